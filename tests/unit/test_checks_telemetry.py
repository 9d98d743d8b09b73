"""Deepchecks never phones home: no module imports it but the library door
(fraudops.checks.library), which turns its telemetry off first. The doors themselves are tested
in a child process (tests/integration/test_checks_telemetry.py)."""

from __future__ import annotations

import ast

from tests.helpers import REPO


def test_sources__deepchecks_is_only_imported_through_the_library_door() -> None:
    """A module-level ``import deepchecks`` would phone home before the CLI can stop it."""
    offenders = []
    for path in (REPO / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(name.split(".")[0] == "deepchecks" for name in names):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []
