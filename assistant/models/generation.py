"""Chat models: llama.cpp in-process (default) or any OpenAI-compatible server."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from assistant.errors import ModelError, ModelNotFoundError

logger = logging.getLogger(__name__)

Messages = list[dict[str, str]]


@dataclass(frozen=True)
class OutputFormat:
    """A shape the reply must take: a GBNF grammar (llama.cpp) and the same shape as a JSON schema
    (OpenAI-compatible servers). The prompt describes the text shape too, for servers that ignore both.
    """

    name: str
    grammar: str
    schema: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class ChatModel(Protocol):
    """What the pipeline needs from a chat model: streamed text for a list of chat messages."""

    @property
    def model_id(self) -> str: ...

    def stream(
        self,
        messages: Messages,
        *,
        max_tokens: int,
        temperature: float = 0.0,
        output: OutputFormat | None = None,
        timeout_s: float | None = None,
    ) -> Iterator[str]:
        """Yield pieces of the reply as they come, in ``output``'s shape if given; raise ModelError on
        failure or after ``timeout_s`` (default: the model's own limit, set for answers)."""
        ...


def complete(
    model: ChatModel,
    messages: Messages,
    *,
    max_tokens: int,
    temperature: float = 0.0,
    output: OutputFormat | None = None,
    timeout_s: float | None = None,
) -> str:
    pieces = model.stream(messages, max_tokens=max_tokens, temperature=temperature, output=output, timeout_s=timeout_s)
    return "".join(pieces)


@lru_cache(maxsize=32)
def _compiled_grammar(grammar: str) -> Any:
    """llama.cpp's parsed form of a GBNF grammar, kept: answers reuse a few (one per evidence count)."""
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_string(grammar, verbose=False)


def prefix_states(items: int) -> Any:
    """llama.cpp's state after each of the last ``items`` calls, so that a prompt resumes from the one
    that began like it (llama-cpp-python's ``LlamaRAMCache``, bounded by count).

    Without it only the previous call's prefix is kept: an answer then its second reading, each under its
    own system prompt, evaluated both system prompts anew every question (about 3 s more for the first
    token here, README). A state kept is the context's cache, ~12 MB for a 1,000-token prompt, plus the
    logits: only their last row is kept, since a restored state is always decoded again before sampling
    (``Llama.generate``), and the full array is 300 MB.
    """
    from llama_cpp import LlamaRAMCache

    class PrefixStates(LlamaRAMCache):
        def __init__(self) -> None:
            super().__init__(capacity_bytes=1 << 62)  # bounded by count below, not by bytes

        def __setitem__(self, key: Any, value: Any) -> None:
            value.scores = value.scores[-1:].copy()
            super().__setitem__(key, value)
            while len(self.cache_state) > items:
                self.cache_state.popitem(last=False)

    return PrefixStates()


_KEPT_ON_DISK = 4  # states kept in ``states_dir``, the newest


def _write_state(path: Path, key: tuple[int, ...], state: Any) -> None:
    """A prefix state as numpy arrays (no pickle), written whole or not at all."""
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part.npz")
    np.savez(
        part,
        key=np.array(key, dtype=np.int64),
        input_ids=state.input_ids,
        scores=state.scores,
        llama_state=np.frombuffer(state.llama_state, dtype=np.uint8),
        numbers=np.array([state.n_tokens, state.llama_state_size, state.seed], dtype=np.int64),
    )
    part.replace(path)
    kept = sorted(path.parent.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[_KEPT_ON_DISK:]:  # another model's or prompt's, no longer used
        old.unlink(missing_ok=True)


def _read_state(path: Path) -> tuple[tuple[int, ...], Any]:
    import numpy as np
    from llama_cpp import LlamaState

    with np.load(path, allow_pickle=False) as kept:
        n_tokens, size, seed = (int(x) for x in kept["numbers"])
        state = LlamaState(
            input_ids=kept["input_ids"],
            scores=kept["scores"],
            n_tokens=n_tokens,
            llama_state=kept["llama_state"].tobytes(),
            llama_state_size=size,
            seed=seed,
        )
        return tuple(int(t) for t in kept["key"]), state


class LlamaCppChatModel:
    """A GGUF model run by llama.cpp in this process, loaded on first use.

    Calls are serialised (a llama.cpp context is not thread-safe). The state after each of the last few
    calls is kept (:func:`prefix_states`), so a system prompt used again is not evaluated again. Eight,
    not four: an answer, its reading and a translation per quote of a quoted answer can push the answer
    prompt's state out of four; with eight, first token p95 was 7.5–7.6 s against 9.6–9.9 s (eval/README.md).
    A state is ~12 MB.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 4096,
        n_threads: int = 2,
        timeout_s: float = 60.0,
        kept_states: int = 8,
        states_dir: Path | None = None,
    ) -> None:
        self._path = model_path
        self._states_dir = states_dir
        self._n_ctx = n_ctx
        self._n_threads = n_threads
        self._timeout_s = timeout_s
        self._kept_states = kept_states
        self._llama: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self._path.name

    def warm_up(self) -> None:
        with self._lock:
            self._load()

    def prime(self, messages: Messages) -> None:
        """Have the state after ``messages`` at hand, so that a prompt that begins like them evaluates
        only the rest: read from ``states_dir`` if another process kept it, else evaluated once and kept
        there. The answer prompt's fixed start is ~180 tokens: a first prompt took 4.0 s without it, 1.4 s
        with it, here.
        A kept file that cannot be read is evaluated again; a failure to write one is logged."""
        with self._lock:
            llama = self._load()
            path = self._state_path(messages)
            if path is not None and path.is_file():
                try:
                    key, state = _read_state(path)
                    llama.cache[key] = state
                    return
                except (OSError, ValueError, KeyError) as exc:
                    logger.warning("kept model state %s unreadable (%s): evaluating again", path.name, exc)
        for _ in self.stream(messages, max_tokens=1):
            pass
        if path is None or llama.cache is None or not llama.cache.cache_state:
            return
        with self._lock:
            key, state = next(reversed(llama.cache.cache_state.items()))  # the call just made
            try:
                _write_state(path, key, state)
            except OSError as exc:
                logger.warning("model state not kept in %s: %s", path.parent, exc)

    def _state_path(self, messages: Messages) -> Path | None:
        """Where the state after ``messages`` is kept: named for the model file (name, size, date), the
        context size and the messages, so that a change to any gives another file."""
        if self._states_dir is None or not self._kept_states:
            return None
        stat = self._path.stat()
        what = json.dumps([self._path.name, stat.st_size, stat.st_mtime_ns, self._n_ctx, messages], ensure_ascii=False)
        return self._states_dir / f"{hashlib.sha256(what.encode('utf-8')).hexdigest()[:24]}.npz"

    def count_tokens(self, text: str) -> int:
        """How many tokens ``text`` is to this model (the bench's prompt sizes)."""
        with self._lock:
            return len(self._load().tokenize(text.encode("utf-8"), add_bos=False))

    def _load(self) -> Any:
        if self._llama is None:
            if not self._path.is_file():
                raise ModelNotFoundError(f"Chat model file {self._path} is missing: run `assistant models fetch`.")
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelError(
                    "llama-cpp-python is not installed: run `make setup` (or pip install llama-cpp-python)."
                ) from exc
            try:
                self._llama = Llama(
                    model_path=str(self._path), n_ctx=self._n_ctx, n_threads=self._n_threads, verbose=False
                )
            except (ValueError, RuntimeError) as exc:
                raise ModelError(f"llama.cpp could not load {self._path.name}: {exc}") from exc
            if self._kept_states:
                self._llama.set_cache(prefix_states(self._kept_states))
        return self._llama

    def stream(
        self,
        messages: Messages,
        *,
        max_tokens: int,
        temperature: float = 0.0,
        output: OutputFormat | None = None,
        timeout_s: float | None = None,
    ) -> Iterator[str]:
        limit = timeout_s or self._timeout_s
        with self._lock:
            llama = self._load()
            started = time.monotonic()
            try:
                chunks = llama.create_chat_completion(
                    messages=messages,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stream=True,
                    grammar=_compiled_grammar(output.grammar) if output is not None else None,
                )
                for chunk in chunks:
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        yield piece
                    if time.monotonic() - started > limit:
                        raise ModelError(f"The chat model took more than {limit:.0f} s; answer cut.")
            except (ValueError, RuntimeError) as exc:
                raise ModelError(f"The chat model failed: {exc}") from exc


class OpenAIChatModel:
    """Any server that speaks the OpenAI chat API: vLLM, llama.cpp's server, Ollama, …"""

    def __init__(self, *, base_url: str, model: str, api_key: str, timeout_s: float = 60.0) -> None:
        self._base_url = base_url
        self._model = model
        self._api_key = api_key
        self._timeout_s = timeout_s
        self._client: Any = None

    @property
    def model_id(self) -> str:
        return f"{self._model}@{self._base_url}"

    def _get_client(self) -> Any:
        if self._client is None:
            try:
                from openai import OpenAI
            except ImportError as exc:
                raise ModelError("The openai package is not installed: pip install openai.") from exc
            # No time limit here: each call sets its own (an answer's, or a brief's longer one).
            self._client = OpenAI(base_url=self._base_url, api_key=self._api_key, max_retries=0)
        return self._client

    def stream(
        self,
        messages: Messages,
        *,
        max_tokens: int,
        temperature: float = 0.0,
        output: OutputFormat | None = None,
        timeout_s: float | None = None,
    ) -> Iterator[str]:
        """With ``output``, the server is sent its JSON schema (vLLM and Ollama honour ``response_format``);
        a server that rejects it (llama-cpp-python's own does) is asked again without, and the prompt's
        text shape is parsed instead."""
        import openai

        limit = timeout_s or self._timeout_s
        started = time.monotonic()
        extra: dict[str, Any] = {}
        if output is not None and output.schema:
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": output.name, "schema": output.schema, "strict": True},
            }
        try:
            try:
                response = self._get_client().chat.completions.create(
                    model=self._model,
                    messages=messages,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stream=True,
                    timeout=limit,
                    **extra,
                )
            except openai.APIStatusError as exc:
                # vLLM answers 400 to a schema it cannot take; llama-cpp-python's server answers 500 to
                # the json_schema type itself. Either way, ask once more without it.
                if not extra or exc.status_code not in (400, 422, 500):
                    raise
                logger.info("the server refused response_format (%s); parsing the text shape instead", exc.status_code)
                response = self._get_client().chat.completions.create(
                    model=self._model,
                    messages=messages,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stream=True,
                    timeout=limit,
                )
            for chunk in response:
                if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
                if time.monotonic() - started > limit:
                    raise ModelError(f"The model server took more than {limit:.0f} s; answer cut.")
        except openai.APIError as exc:  # connection errors, time-outs and HTTP errors alike
            raise ModelError(f"The model server at {self._base_url} failed: {exc}") from exc
