"""The package's stages import one way: a stage uses the ones below it, never one above."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
# Lowest first. The top-level modules config, errors, types, feedback and prompts sit under every stage.
STAGES = ["text", "models", "ingest", "retrieval", "answer", "drafting", "export"]
TOP = {
    "pipeline": len(STAGES),
    "cli": len(STAGES) + 1,
    "terminal": len(STAGES) + 1,
    "langchain": len(STAGES) + 1,
    "remote": len(STAGES) + 1,
}


def rank(module: str) -> int | None:
    """The stage of ``assistant.X…`` (-1 for the shared base modules), None outside the package."""
    parts = module.split(".")
    if parts[0] == "ui":
        return len(STAGES) + 1
    if parts[0] != "assistant" or len(parts) < 2:
        return None
    if parts[1] in STAGES:
        return STAGES.index(parts[1])
    return TOP.get(parts[1], -1)


def imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [f"{node.module}.{a.name}" for a in node.names] if node.module == "assistant" else [node.module]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return found


def test_no_module_imports_a_higher_stage() -> None:
    upward = []
    for path in sorted([*(ROOT / "assistant").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        mine = rank(module)
        for imported in imports(path):
            theirs = rank(imported)
            if mine is not None and theirs is not None and theirs > mine:
                upward.append(f"{module} imports {imported}")
    assert upward == []


def test_every_stage_is_a_package_of_modules_readable_in_one_sitting() -> None:
    long = {}
    for path in [*(ROOT / "assistant").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > 450 and path.name != "texts.py":  # texts.py: every string of the app in three languages
            long[str(path.relative_to(ROOT))] = lines
    assert all((ROOT / "assistant" / stage / "__init__.py").is_file() for stage in STAGES)
    assert long == {}


def test_a_function_over_80_lines_says_why_in_its_docstring() -> None:
    unexplained = []
    for path in sorted([*(ROOT / "assistant").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            long = isinstance(node, ast.FunctionDef) and (node.end_lineno or 0) - node.lineno >= 80
            if long and "Long:" not in (ast.get_docstring(node) or ""):  # type: ignore[arg-type]
                unexplained.append(f"{path.relative_to(ROOT)}:{node.name}")  # type: ignore[union-attr]
    assert unexplained == []
