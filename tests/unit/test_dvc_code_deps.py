"""dvc.yaml lists, for each stage, the code it runs: every module in the static import closure
of the stage's command is a dependency (a file or a folder that holds it), and no code
dependency is stale. A missing one would let ``dvc repro`` skip a stage whose code changed."""

from __future__ import annotations

import ast
import pathlib

import pytest
import typer.main
import yaml

from fraudops.cli.app import app
from tests.helpers import REPO
from tests.import_closure import closure, function_imports, module_files

STAGES = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
PROGRAM = "python -m fraudops "


def _trivial(module: str) -> bool:
    """A package ``__init__`` that holds only its docstring (and a version)."""
    path = module_files()[module]
    if path.name != "__init__.py":
        return False
    body = ast.parse(path.read_text()).body
    return all(isinstance(node, ast.Expr | ast.Assign) for node in body)


def stage_code(command: str) -> set[pathlib.Path]:
    """The files of the package that the CLI command ``command`` can run (the thin CLI wrapper
    itself left out: it parses options, the stage's code does the work)."""
    group = typer.main.get_command(app)
    callback = group.commands[command].callback  # type: ignore[attr-defined]
    while hasattr(callback, "__wrapped__"):
        callback = callback.__wrapped__
    start = function_imports(callback.__module__, callback.__name__)
    modules = {
        name
        for name in closure(start)
        if not name.startswith("fraudops.cli") and not _trivial(name)
    }
    return {module_files()[name].relative_to(REPO) for name in modules}


def _covers(dep: str, path: pathlib.Path) -> bool:
    return path == pathlib.Path(dep) or pathlib.Path(dep) in path.parents


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_dvc_yaml__every_module_a_stage_runs_is_a_dependency(stage: str) -> None:
    cmd = STAGES[stage]["cmd"]
    assert cmd.startswith(PROGRAM), cmd
    code = stage_code(cmd.removeprefix(PROGRAM).split()[0])
    deps = [d for d in STAGES[stage]["deps"] if d.startswith("src/")]
    missing = sorted(str(p) for p in code if not any(_covers(d, p) for d in deps))
    assert not missing, f"{stage}: add to its deps in dvc.yaml: {missing}"
    stale = sorted(d for d in deps if not any(_covers(d, p) for p in code))
    assert not stale, f"{stage}: deps in dvc.yaml that the stage never runs: {stale}"
