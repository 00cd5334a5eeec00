"""The code checks the test command runs: lint, the import contracts, types.

Each is the tool itself on the whole package (configured in pyproject.toml),
so `bash scripts/test.sh` fails on a lint error, on a layer imported the wrong
way round, or on a type error, exactly as `bash scripts/lint.sh` reports it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / argv[0]), *argv[1:]], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ""})


def test_ruff_finds_nothing():
    out = _run("ruff", "check", ".")
    assert out.returncode == 0, out.stdout + out.stderr


def test_layers_import_one_way():
    out = _run("lint-imports", "--no-cache")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "BROKEN" not in out.stdout and out.stdout.count("KEPT") == 3


def test_mypy_finds_no_type_errors():
    view = REPO / "build" / "typecheck"
    view.mkdir(parents=True, exist_ok=True)
    link = view / "xlalign"
    if not link.is_symlink():
        link.symlink_to(Path("..") / "..")
    out = _run("mypy")
    assert out.returncode == 0, out.stdout + out.stderr


def test_no_import_cycles_between_modules():
    """api <-> miner and clauses <-> similarity were cycles; none may come back (package __init__ re-exports aside)."""
    import grimp

    graph = grimp.build_graph("xlalign", exclude_type_checking_imports=True)
    modules = {m for m in graph.modules if not graph.find_children(m)}  # plain modules, not packages
    edges = {m: {n for n in graph.find_modules_directly_imported_by(m) if n in modules} for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for m in sorted(modules):
        if m not in index:
            visit(m)
    assert cycles == []
