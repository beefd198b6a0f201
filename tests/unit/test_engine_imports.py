"""No import circle among the modules of orch/engine/, counting every import the source names:
at module level, inside functions and under ``if TYPE_CHECKING:`` (docs/architecture.md, the layers)."""

from __future__ import annotations

import ast
from pathlib import Path

import orch.engine

ENGINE = Path(orch.engine.__file__).parent
PACKAGE = "orch.engine"


def _imports(path: Path) -> set[str]:
    """The engine modules a file imports, by module name (``from orch.engine import x`` counts x)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom):  # relative: resolved against the engine package
            base = PACKAGE if node.level == 1 else PACKAGE.rsplit(".", node.level - 1)[0]
            module = f"{base}.{node.module}" if node.module else base
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(n[len(PACKAGE) + 1:].split(".")[0] for n in names if n.startswith(PACKAGE + "."))
    return found


def engine_graph(folder: Path = ENGINE) -> dict[str, set[str]]:
    modules = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    return {name: (_imports(folder / f"{name}.py") & modules) - {name} for name in sorted(modules)}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_scan_sees_every_kind_of_import(tmp_path):
    (tmp_path / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                   "    from orch.engine.b import B\n")
    (tmp_path / "b.py").write_text("def f():\n    from orch.engine import c\n")
    (tmp_path / "c.py").write_text("from . import a\nimport orch.engine.d\n")
    (tmp_path / "d.py").write_text("import os\n")
    graph = engine_graph(tmp_path)
    assert graph == {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_circle_in_the_engine():
    graph = engine_graph()
    assert len(graph) > 20 and graph["worker"]  # the scan read the real package
    found = cycles(graph)
    assert not found, f"import circles in orch/engine/: {found}"
