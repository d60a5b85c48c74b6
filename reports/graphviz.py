"""Graphviz `dot` as a layout engine: a graph in, the positions of its boxes and the routes of its edges out.

`dot` (Debian package `graphviz`) places the boxes of a directed graph in layers, keeps clusters
together and routes every edge as a spline around the boxes it does not join. The report draws the
result itself (`lifecycles`); only the geometry comes from here. Every node is given a fixed size
(`fixedsize`, or an HTML label of fixed-size cells, with no text), so the layout never depends on
the fonts installed, and the same graph gives the same geometry: `dot` has no randomness.

Coordinates are turned from Graphviz's points with y upwards into SVG units with y downwards
(one point = one unit), rounded to one decimal.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x, y (top left), width, height
TIMEOUT = 60  # seconds: a protocol's lifecycle takes well under one


class LayoutError(RuntimeError):
    """`dot` is missing, failed or gave output that could not be read."""


@dataclass(frozen=True)
class Edge:
    """An edge laid out: its `id` attribute, its ends by node name, the cubic Bezier points of its
    route (start, then three per segment), the tip of its arrowhead, if it has one, and whether it
    ends at a port of its tail's and of its head's node."""

    id: str
    tail: str
    head: str
    points: tuple[Point, ...]
    tip: Point | None
    ported: tuple[bool, bool] = (False, False)


@dataclass(frozen=True)
class Layout:
    """A graph laid out: its size, every node's and cluster's box by name, and every edge."""

    width: float
    height: float
    nodes: dict[str, Box]
    clusters: dict[str, Box]
    edges: tuple[Edge, ...]


def program() -> str | None:
    """The path of `dot`, or None when Graphviz is not installed."""
    return shutil.which("dot")


def layout(graph: str) -> Layout:
    """The layout `dot` gives `graph` (DOT text); a `LayoutError` when it cannot."""
    dot = program()
    if dot is None:
        raise LayoutError("Graphviz's dot is not installed")
    try:
        done = subprocess.run(
            [dot, "-Tjson0"],
            input=graph.encode(),
            capture_output=True,
            timeout=TIMEOUT,
            env={"LC_ALL": "C"},
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise LayoutError(f"dot could not be run: {error}") from error
    if done.returncode != 0:
        raise LayoutError(f"dot failed: {done.stderr.decode(errors='replace').strip()[:300]}")
    try:
        return _read(json.loads(done.stdout))
    except (ValueError, KeyError, IndexError) as error:
        raise LayoutError(f"dot's output could not be read: {error}") from error


def _read(found: dict) -> Layout:
    _, _, width, height = (float(v) for v in found["bb"].split(","))

    def flip(x: float, y: float) -> Point:
        return round(x, 1), round(height - y, 1)

    nodes: dict[str, Box] = {}
    clusters: dict[str, Box] = {}
    names: dict[int, str] = {}
    for item in found.get("objects", []):
        if "bb" in item:
            x1, y1, x2, y2 = (float(v) for v in item["bb"].split(","))
            left, top = flip(x1, y2)
            clusters[item["name"]] = (left, top, round(x2 - x1, 1), round(y2 - y1, 1))
        elif "pos" in item:
            names[item["_gvid"]] = item["name"]
            cx, cy = flip(*(float(v) for v in item["pos"].split(",")))
            w, h = float(item["width"]) * 72, float(item["height"]) * 72
            nodes[item["name"]] = (round(cx - w / 2, 1), round(cy - h / 2, 1), round(w, 1), round(h, 1))
    edges = tuple(_edge(item, names, flip) for item in found.get("edges", []))
    return Layout(round(width, 1), round(height, 1), nodes, clusters, edges)


def _edge(item: dict, names: dict[int, str], flip) -> Edge:
    tip = None
    points: list[Point] = []
    for part in item["pos"].split():
        fields = part.split(",")
        if fields[0] == "e":
            tip = flip(float(fields[1]), float(fields[2]))
        elif fields[0] != "s":
            points.append(flip(float(fields[0]), float(fields[1])))
    ported = ("tailport" in item, "headport" in item)
    return Edge(item.get("id", ""), names[item["tail"]], names[item["head"]], tuple(points), tip, ported)


def quote(text: str) -> str:
    """`text` as a quoted DOT identifier."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
