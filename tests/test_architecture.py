"""The layers of the package, read from its source: every import statement (at the top of a module,
inside a function, or under `if TYPE_CHECKING:`) is an edge of the import graph, and the graph must
have no cycle and respect the layers:

    model        imports nothing above it
    properties   imports model
    simulate     imports model
    reports      imports model, properties and simulate (for the types it renders), but runs nothing:
                 not the loaders, not the checks, not the engine
    protoverify  (the API and the command line) wires them together

The renderers the format registry (`reports.formats`) imports by name are edges too.

A failure names each offending import by file and line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT

PACKAGE = "protoverify"
FOLDERS = {"model": "model", "properties": "properties", "simulate": "simulate", "reports": "reports"}
LAYERS = {  # layer -> the layers it may import
    "model": {"model"},
    "properties": {"model", "properties"},
    "simulate": {"model", "simulate"},
    "reports": {"model", "properties", "simulate", "reports"},
    "app": {"model", "properties", "simulate", "reports", "app"},
}
RUNNERS = {  # what reports may not import: modules that load or run, and functions that do
    "protoverify.model.loader": None,
    "protoverify.model.extract": {"extract"},
    "protoverify.model.source": {"read", "read_text", "validate"},
    "protoverify.properties.check": {"check"},
    "protoverify.properties.judgements": {"load_judgements"},
    "protoverify.properties.statute": {"bundled_baseline"},
    "protoverify.simulate.loader": None,
    "protoverify.simulate.prepared": {"prepare"},
    "protoverify.simulate.engine": None,
    "protoverify.simulate.replication": None,
    "protoverify.simulate.replications": None,
    "protoverify.simulate.simulation": {"simulate"},
    "protoverify.simulate.sweep": {"sweep"},
    "protoverify.api": None,
    "protoverify.folder": None,
}


@dataclass(frozen=True)
class Import:
    """One import statement's edge: from a module (its file and line) to a module, with the names taken."""

    source: str
    file: str
    line: int
    target: str
    names: tuple[str, ...]

    def __str__(self) -> str:
        names = f" ({', '.join(self.names)})" if self.names else ""
        return f"{self.file}:{self.line}: {self.source} imports {self.target}{names}"


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    found = {}
    folders = {f"{PACKAGE}.{name}": ROOT / folder for name, folder in FOLDERS.items()} | {PACKAGE: ROOT / PACKAGE}
    for package, folder in folders.items():
        for path in sorted(folder.glob("*.py")):
            found[package if path.stem == "__init__" else f"{package}.{path.stem}"] = path
    return found


def _package_of(module: str, path: Path) -> str:
    return module if path.stem == "__init__" else module.rsplit(".", 1)[0]


def imports(known: dict[str, Path]) -> list[Import]:
    """Every import inside the package, wherever it is in a module."""
    found = []
    for module, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            file = str(path.relative_to(ROOT))
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == PACKAGE:
                        found.append(Import(module, file, node.lineno, alias.name, ()))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = _package_of(module, path)
                    for _ in range(node.level - 1):
                        base = base.rsplit(".", 1)[0]
                    target = f"{base}.{node.module}" if node.module else base
                elif (node.module or "").split(".")[0] == PACKAGE:
                    target = node.module  # type: ignore[assignment]
                else:
                    continue
                names = tuple(alias.name for alias in node.names)
                submodules = [f"{target}.{name}" for name in names if f"{target}.{name}" in known]
                for submodule in submodules:
                    found.append(Import(module, file, node.lineno, submodule, ()))
                rest = tuple(name for name in names if f"{target}.{name}" not in known)
                if rest or not submodules:
                    found.append(Import(module, file, node.lineno, target, rest))
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FOLDERS else "app"


def cycles(edges: list[Import]) -> list[list[Import]]:
    """One cycle through each strongly connected group of modules (Tarjan's algorithm), as its imports."""
    graph: dict[str, list[Import]] = {}
    for edge in edges:
        if edge.target != edge.source:
            graph.setdefault(edge.source, []).append(edge)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for edge in graph.get(node, ()):
            if edge.target not in index:
                visit(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(group, graph) for group in groups]


def _cycle_in(group: set[str], graph: dict[str, list[Import]]) -> list[Import]:
    """A path of imports inside the group from its first module back to itself."""
    start = min(group)
    paths: dict[str, list[Import]] = {start: []}
    frontier = [start]
    while frontier:
        node = frontier.pop(0)
        for edge in graph.get(node, ()):
            if edge.target == start:
                return [*paths[node], edge]
            if edge.target in group and edge.target not in paths:
                paths[edge.target] = [*paths[node], edge]
                frontier.append(edge.target)
    return []


def violations(edges: list[Import]) -> list[str]:
    """Each import that crosses a layer the wrong way, or that has reports run something."""
    found = []
    for edge in edges:
        source, target = layer(edge.source), layer(edge.target)
        if target not in LAYERS[source]:
            found.append(f"{edge}: {source} may import only {', '.join(sorted(LAYERS[source]))}")
        elif source == "reports" and edge.target in RUNNERS:
            forbidden = RUNNERS[edge.target]
            taken = set(edge.names) & forbidden if forbidden is not None else {edge.target}
            if taken:
                found.append(f"{edge}: reports render what the others return; they do not load or run anything")
    return found


def registry_imports() -> list[Import]:
    """The renderers the format registry imports when a format is written (by name, not by an import
    statement), as edges from `reports.formats`."""
    from protoverify.reports.formats import FORMATS

    return [
        Import("protoverify.reports.formats", "reports/formats.py", 0, f"protoverify.reports.{f.module}", (f.function,))
        for formats in FORMATS.values()
        for f in formats.values()
    ]


EDGES = imports(modules()) + registry_imports()


def test_the_graph_is_read_from_every_kind_of_import() -> None:
    names = {(e.source, e.target) for e in EDGES}
    assert ("protoverify.simulate.engine", "protoverify.simulate.outcomes") in names  # from . import outcomes
    assert ("protoverify.commandline", "protoverify.simulate.cost") in names  # in a function
    assert ("protoverify.simulate.outcomes", "protoverify.simulate.replication") in names  # under TYPE_CHECKING
    assert ("protoverify.reports.report", "protoverify.reports.simulation") in names
    assert ("protoverify.reports.formats", "protoverify.reports.xlsx") in names  # a renderer of the registry
    assert len(modules()) > 60


def test_there_is_no_import_cycle() -> None:
    found = cycles(EDGES)
    assert not found, "import cycles:\n" + "\n\n".join("\n".join(map(str, cycle)) for cycle in found)


def test_each_layer_imports_only_the_layers_below_it() -> None:
    found = violations(EDGES)
    assert not found, "imports against the layers:\n" + "\n".join(found)


def test_the_checks_find_a_cycle_and_a_layer_crossing() -> None:
    here = "tests/test_architecture.py"
    made_up = [
        Import("protoverify.simulate.a", here, 1, "protoverify.simulate.b", ()),
        Import("protoverify.simulate.b", here, 2, "protoverify.simulate.c", ()),
        Import("protoverify.simulate.c", here, 3, "protoverify.simulate.a", ()),
        Import("protoverify.simulate.a", here, 4, "protoverify.reports.simulation", ()),
        Import("protoverify.reports.x", here, 5, "protoverify.properties.check", ("Report", "check")),
        Import("protoverify.reports.y", here, 6, "protoverify.properties.check", ("Report",)),
    ]
    (cycle,) = cycles(made_up)
    assert [e.line for e in cycle] == [1, 2, 3]
    found = violations(made_up)
    assert len(found) == 2
    assert found[0].startswith("tests/test_architecture.py:4: protoverify.simulate.a imports protoverify.reports")
    assert "reports.x imports protoverify.properties.check (Report, check)" in found[1]
