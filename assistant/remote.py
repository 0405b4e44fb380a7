"""The running app, asked by the CLI instead of loading the models again.

A cold `assistant ask` loads the embedders and the chat model (about 20 s here) for one answer; the app,
when it runs, has them loaded. The CLI asks it through its Gradio API (``/ask``: the same JSON object as
`assistant ask --json`), but only if the app answers at ``Settings.app_url`` and serves the same index
folder (``/index``): a CLI pointed at another corpus, or a test's scratch index, never gets the app's
answers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import AssistantError

logger = logging.getLogger(__name__)


class RunningApp:
    """The app at ``url``, through ``gradio_client``."""

    def __init__(self, client: Any, url: str) -> None:
        self._client = client
        self.url = url

    def ask(self, question: str, history: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
        """The app's answer to ``question`` (after ``history``'s turns), as `assistant ask --json` prints it."""
        try:
            return self._client.predict(question, [list(turn) for turn in history], api_name="/ask")
        except Exception as exc:  # the app's error (an empty question…) or a lost connection, said as ours
            raise AssistantError(f"The app at {self.url} did not answer: {exc}") from exc


def running_app(settings: Settings, *, timeout_s: float = 2.0) -> RunningApp | None:
    """The app, if one answers at ``settings.app_url`` and serves ``settings.index_dir``; else None."""
    url = settings.app_url.rstrip("/")
    if not url or not _listening(url, timeout_s):
        return None
    try:
        import httpx
        from gradio_client import Client

        # Quick to connect (the app is on loopback), patient to read: an answer takes seconds.
        patient = httpx.Timeout(settings.generation_timeout_s * 3, connect=timeout_s)
        client = Client(url, verbose=False, httpx_kwargs={"timeout": patient})
        served = client.predict(api_name="/index")
    except Exception as exc:  # any failure to reach the app means: load the models here
        logger.info("the app at %s did not answer (%s): loading the models here", url, exc)
        return None
    if Path(served.get("index_dir", "")).resolve() != settings.index_dir.resolve():
        logger.info("the app at %s serves another index (%s)", url, served.get("index_dir"))
        return None
    return RunningApp(client, url)


def _listening(url: str, timeout_s: float) -> bool:
    """True if something answers HTTP at ``url``: a refused connection costs milliseconds, not the
    client's set-up."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/config", timeout=timeout_s) as reply:
            return reply.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False
