"""The house rules of DESIGN.md, checked by parsing the source: dependencies point inward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"


def _modules(under: str = "") -> list[Path]:
    return sorted((BOT / under).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _top(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def _relative(path: Path) -> str:
    return str(path.relative_to(BOT.parent))


def test_only_the_telegram_adapter_imports_telegram() -> None:
    offenders = [
        _relative(path)
        for path in _modules()
        if "telegram" in _top(_imports(path)) and "telegram" not in path.relative_to(BOT).parts[:1]
    ]
    assert offenders == []


@pytest.mark.parametrize("part", ["conversation", "understanding"])
def test_engine_and_understanding_stay_pure(part: str) -> None:
    forbidden = {"telegram", "httpx", "os", "starlette", "uvicorn", "aiosqlite", "socket"}
    # The evaluate command is a benchmark script beside the layer (it pins itself to one core).
    offenders = {
        _relative(path): sorted(_top(_imports(path)) & forbidden)
        for path in _modules(part)
        if path.name != "evaluate.py"
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}


@pytest.mark.parametrize("part", ["conversation", "understanding", "storage", "zimun", "telegram"])
def test_no_wall_clock_reads_outside_the_clock(part: str) -> None:
    offenders = []
    for path in _modules(part):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"now", "utcnow", "today"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"datetime", "date"}
            ):
                offenders.append(f"{_relative(path)}:{node.lineno}")
    assert offenders == []


def test_only_the_client_and_the_sandbox_know_zimun_paths() -> None:
    allowed = {"zimun", "sandbox"}
    offenders = [
        _relative(path)
        for path in _modules()
        if path.relative_to(BOT).parts[0] not in allowed
        and (
            "/api/v1" in path.read_text(encoding="utf-8")
            or "/oauth/token" in path.read_text(encoding="utf-8")
        )
    ]
    assert offenders == []
