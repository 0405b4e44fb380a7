"""Real models, real corpus, one shared index: slow, so built once per test run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.models.manifest import check_model, load_manifest
from assistant.pipeline import Assistant

ROOT = Path(__file__).parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
    # The browser last: its onboarding tab then reads the brief the brief tests built (one cold build).
    items.sort(key=lambda item: "test_browser.py" in str(item.fspath))


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    corpus = tmp_path_factory.mktemp("corpus")
    for path in (ROOT / "corpus").iterdir():
        shutil.copy(path, corpus / path.name)  # a copy: the browser test uploads and deletes documents
    settings = Settings(
        _env_file=None,
        corpus_dir=corpus,
        models_dir=ROOT / "models",
        index_dir=tmp_path_factory.mktemp("index"),
        data_dir=tmp_path_factory.mktemp("data"),
    )
    for spec in load_manifest().values():
        if check_model(spec, settings.models_dir).state != "verified":
            pytest.fail(f"{spec.name} is not in {settings.models_dir}: run `make setup` first.")
    return settings


@pytest.fixture(scope="session")
def real_assistant(real_settings: Settings) -> Assistant:
    assistant = Assistant(real_settings)
    assistant.index()
    return assistant
