"""The house rules of ARCHITECTURE.md, checked on the source: data flows one way
(``ingest`` never imports ``index``; the product never imports the research package
``evaluation``), no import cycles between modules, and no oversized function or module
in ``ingest/`` and ``index/``."""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "index", "webui", "evaluation")
PRODUCT = ("ingest", "index", "webui")
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 350


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(packages=PACKAGES) -> list[Path]:
    files = [p for pkg in packages for p in sorted((ROOT / pkg).rglob("*.py"))]
    return files + ([ROOT / "app.py"] if "webui" in packages else [])


@lru_cache(maxsize=None)
def syntax_tree(path: Path) -> ast.Module:
    """The parsed source of ``path``, once per run (five rules below read the same 200 files)."""
    return ast.parse(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def imports_of(path: Path) -> frozenset[str]:
    """Every project module ``path`` imports, at any depth of the file (lazy imports count)."""
    tree = syntax_tree(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return frozenset(n for n in found if n.split(".")[0] in PACKAGES)


def graph() -> dict[str, set[str]]:
    """Module -> project modules it imports (names resolved to existing modules)."""
    mods = {module_name(p): p for p in source_files()}
    return {m: {n for n in imports_of(p) if n in mods and n != m} for m, p in mods.items()}


def test_ingest_never_imports_index_or_the_page():
    bad = {module_name(p): sorted(n for n in imports_of(p) if n.split(".")[0] in ("index", "webui", "evaluation"))
           for p in source_files(("ingest",))}
    assert {m: ns for m, ns in bad.items() if ns} == {}


def test_the_product_never_imports_the_research_package():
    bad = {module_name(p): sorted(n for n in imports_of(p) if n.split(".")[0] == "evaluation")
           for p in source_files(PRODUCT)}
    assert {m: ns for m, ns in bad.items() if ns} == {}


def test_no_import_cycles():
    g = graph()
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    cycles: list[list[str]] = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for n in sorted(g[m]):
            if state.get(n) == 1:
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n, stack + [n])
        state[m] = 2

    for m in sorted(g):
        if m not in state:
            visit(m, [m])
    # a package's __init__ importing its own submodules is not a cycle of meaning
    cycles = [c for c in cycles if not all(x == c[0] or x.startswith(c[0] + ".") for x in c)]
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    """The rule above can fail: a two-module loop is reported."""
    pkg = tmp_path / "ingest"
    pkg.mkdir()
    (pkg / "a.py").write_text("from ingest.b import x\n", encoding="utf-8")
    (pkg / "b.py").write_text("import ingest.a\nx = 1\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PACKAGES", ("ingest",))
    monkeypatch.setattr(f"{__name__}.source_files", lambda packages=("ingest",): sorted(pkg.glob("*.py")))
    with pytest.raises(AssertionError):
        test_no_import_cycles()


def long_functions(path: Path) -> list[str]:
    tree = syntax_tree(path)
    return [f"{module_name(path)}.{n.name}: {n.end_lineno - n.lineno + 1} lines" for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]


def test_functions_and_modules_fit_on_a_screen():
    too_long = [f for p in source_files(("ingest", "index")) for f in long_functions(p)]
    too_big = [f"{module_name(p)}: {n} lines" for p in source_files(("ingest", "index"))
               if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert (too_long, too_big) == ([], [])


def test_the_text_module_is_a_leaf():
    """``ingest.text`` (CJK ranges, match form, sentence ends) is what both packages share:
    it imports nothing of the project."""
    assert imports_of(ROOT / "ingest" / "text.py") == set()
