"""The modules a piece of the package can run: the static import closure of a module or of
one function, over the ``fraudops`` package (imports inside functions included, imports only
for type checkers left out)."""

from __future__ import annotations

import ast
import functools
import pathlib

from tests.helpers import REPO

SRC = REPO / "src"
PACKAGE = "fraudops"


@functools.cache
def module_files() -> dict[str, pathlib.Path]:
    """Every module of the package by dotted name (packages by their ``__init__.py``)."""
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.AST, package: str) -> set[str]:
    """Modules of the package that the nodes under ``tree`` import."""
    known = module_files()
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    modules = set()
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name.startswith(PACKAGE):
            modules.add(name)
    return modules


def _package_of(module: str) -> str:
    path = module_files()[module]
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


@functools.cache
def _direct(module: str) -> frozenset[str]:
    tree = ast.parse(module_files()[module].read_text())
    found = _imported(tree, _package_of(module))
    # importing a.b.c runs a/__init__.py and a/b/__init__.py first
    for name in list(found):
        parts = name.split(".")
        found.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return frozenset(found - {module})


def closure(start: set[str]) -> set[str]:
    """``start`` and everything it imports, transitively."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(_direct(module) - seen)
    return seen


def function_imports(module: str, function: str) -> set[str]:
    """The modules one function of ``module`` imports (its lazy imports) plus those the
    module imports at its top level."""
    tree = ast.parse(module_files()[module].read_text())
    package = _package_of(module)
    top = ast.Module(
        body=[n for n in tree.body if not isinstance(n, ast.FunctionDef | ast.ClassDef)],
        type_ignores=[],
    )
    found = _imported(top, package)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            found |= _imported(node, package)
            return found
    raise LookupError(f"{module} has no function {function}")
