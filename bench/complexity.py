"""Cyclomatic complexity of every function in the package, by radon's rules, and the longest modules.

A function starts at 1 and gains 1 for each `if`/conditional expression, loop (and loop `else`), `except`
(and `try`'s `else`), non-wildcard `match` case, comprehension (and each of its `if`s), and each extra
operand of `and`/`or`. Nested functions are measured on their own. Usage:

    python bench/complexity.py            # the ten most complex functions and the five longest modules
    python bench/complexity.py --max 20   # also exit 1 if any function is over 20 (or a module over 600 lines)
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("model", "properties", "simulate", "reports", "protoverify")
MAX_MODULE_LINES = 600


def _score(node: ast.AST) -> int:
    """The decision points a node adds by itself (radon's counting)."""
    match node:
        case ast.Try() | ast.TryStar():
            return len(node.handlers) + bool(node.orelse)
        case ast.BoolOp():
            return len(node.values) - 1
        case ast.If() | ast.IfExp():
            return 1
        case ast.For() | ast.AsyncFor() | ast.While():
            return 1 + bool(node.orelse)
        case ast.comprehension():
            return 1 + len(node.ifs)
        case ast.Match():
            return sum(1 for case in node.cases if not isinstance(case.pattern, ast.MatchAs) or case.pattern.pattern)
    return 0


def _complexity(function: ast.AST) -> int:
    total, stack = 1, list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        total += _score(node)
        stack.extend(ast.iter_child_nodes(node))
    return total


def functions(root: Path = ROOT) -> list[tuple[int, str, str, int]]:
    """(complexity, module path, qualified name, line) for every function under the package folders."""
    found: list[tuple[int, str, str, int]] = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            rel = str(path.relative_to(root))

            def visit(node: ast.AST, prefix: str, rel: str = rel) -> None:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                        name = f"{prefix}{child.name}"
                        found.append((_complexity(child), rel, name, child.lineno))
                        visit(child, name + ".")
                    elif isinstance(child, ast.ClassDef):
                        visit(child, f"{prefix}{child.name}.")
                    else:
                        visit(child, prefix)

            visit(tree, "")
    return sorted(found, key=lambda f: (-f[0], f[1], f[3]))


def modules(root: Path = ROOT) -> list[tuple[int, str]]:
    """(lines, module path) for every module under the package folders, longest first."""
    sizes = [
        (len(path.read_text(encoding="utf-8").splitlines()), str(path.relative_to(root)))
        for package in PACKAGES
        for path in (root / package).rglob("*.py")
    ]
    return sorted(sizes, key=lambda s: (-s[0], s[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, help="exit 1 if any function's complexity exceeds this")
    args = parser.parse_args()
    found, sizes = functions(), modules()
    print("most complex functions (radon's cyclomatic complexity):")
    for score, rel, name, line in found[:10]:
        print(f"  {score:4d}  {rel}:{line}  {name}")
    print(f"  functions over 15: {sum(1 for f in found if f[0] > 15)}; over 20: {sum(1 for f in found if f[0] > 20)}")
    print(f"longest modules (limit {MAX_MODULE_LINES} lines):")
    for lines, rel in sizes[:5]:
        print(f"  {lines:5d}  {rel}")
    if args.max is not None:
        over = [f for f in found if f[0] > args.max]
        long = [s for s in sizes if s[0] > MAX_MODULE_LINES]
        return 1 if over or long else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
