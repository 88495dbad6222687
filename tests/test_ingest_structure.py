"""House rules of the ingest package, checked on its source: imports run one way (ingest
never imports index, no module imports another that imports it back), ingest.text is a
leaf, and no module or function outgrows the size limits."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

INGEST = Path(__file__).resolve().parents[1] / "ingest"
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = path.relative_to(INGEST.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(INGEST.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """Every module named by an import statement anywhere in the file (also inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def project_imports(path: Path) -> set[str]:
    """The ingest modules a file imports (``from ingest.x import y`` names ingest.x, or the
    module ingest.x.y when y is one)."""
    return {name for name in imports(path) if name in MODULES}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_ingest_module_imports_index(name):
    assert sorted(n for n in imports(MODULES[name]) if n == "index" or n.startswith("index.")) == []


def test_text_is_a_leaf():
    assert project_imports(MODULES["ingest.text"]) == set()
    assert not any(n.startswith("ingest") for n in imports(MODULES["ingest.text"]))


def test_no_import_cycles():
    graph = {name: project_imports(path) - {name} for name, path in MODULES.items()}
    # a package's __init__ is imported with each of its modules; count only explicit edges
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_size_limits(name):
    source = MODULES[name].read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    long = [f"{node.name}: {node.end_lineno - node.lineno + 1} lines" for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []
