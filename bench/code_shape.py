"""The shape of the code base: module count, median and largest module (lines), and the import
cycles among the project's own modules (static imports, those inside functions included).

Run: python bench/code_shape.py [REPO] (make bench-code).
"""

from __future__ import annotations

import ast
import pathlib
import statistics
import sys

PACKAGES = ("src/fraudops", "pipelines")


def modules(root: pathlib.Path) -> dict[str, pathlib.Path]:
    """Every module of the packages by dotted name (a package by its ``__init__.py``)."""
    found = {}
    for package in PACKAGES:
        folder = root / package
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder.parent).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imported(path: pathlib.Path, name: str, known: set[str]) -> set[str]:
    """The known modules that ``path`` (module ``name``) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            targets += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    found = set()
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        # importing a submodule runs its package's __init__ first: not an edge of ours
        if target and target != name and not name.startswith(target + "."):
            found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    result: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def main() -> None:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    found = modules(root)
    graph = {name: imported(path, name, set(found)) for name, path in found.items()}
    sizes = {name: len(path.read_text().splitlines()) for name, path in found.items()}
    # a package's __init__ that holds only its docstring is not a module of code
    code = {n: s for n, s in sizes.items() if found[n].name != "__init__.py" or s > 3}
    largest = max(code, key=lambda name: code[name])
    print(f"modules: {len(found)} ({len(code)} with code)")
    print(f"lines per module: median {statistics.median(code.values()):.0f}, ", end="")
    print(f"largest {code[largest]} ({largest})")
    found_cycles = cycles(graph)
    print(f"import cycles: {len(found_cycles)}")
    for component in found_cycles:
        print("  " + " <-> ".join(component))


if __name__ == "__main__":
    main()
