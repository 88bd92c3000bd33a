"""The packages import one way (core <- ingest <- assistant <- evals), and modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

# What each package may import from the project. The CLI (assistant/cli.py) is a shell on top:
# its ingest command drives the indexer, so it alone may import ingest.
ALLOWED = {"core": set(), "ingest": {"core"}, "assistant": {"core"}, "evals": {"core", "ingest", "assistant"}}
SHELLS = {"assistant/cli.py": {"core", "ingest", "assistant", "evals"}}
MAX_LINES = 330


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


def test_packages_import_one_way() -> None:
    wrong = []
    for package, allowed in ALLOWED.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            may = SHELLS.get(rel, allowed | {package})
            bad = _imports(path) - may
            if bad:
                wrong.append(f"{rel} imports {sorted(bad)}")
    assert not wrong, wrong


def test_the_graph_between_packages_has_no_cycle() -> None:
    edges = {p: set().union(*(_imports(f) - {p} for f in (ROOT / p).rglob("*.py")
                              if f.relative_to(ROOT).as_posix() not in SHELLS)) for p in ALLOWED}
    seen: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, f"import cycle: {' -> '.join((*path, node))}"
        for nxt in edges[node]:
            visit(nxt, (*path, node))
        seen.add(node)

    for package in ALLOWED:
        visit(package, ())


def test_modules_stay_small() -> None:
    big = [f"{p.relative_to(ROOT)}: {n}" for p in sorted(ROOT.glob("*/**/*.py"))
           if ".venv" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not big, big
