"""The pull-request workflow's make targets, run locally in the workflow's order on reduced
data, in a fresh copy of the repository on a branch with a changed param (as a PR would be).

Not run here, and why: `make install` (the environment is already installed; the targets run
with UV=true and the current environment), `make test-unit` / `-integration` / `-e2e` (they are
this test suite), and `make pr-comment` (GitHub's API; tested against a fake in
tests/unit/test_ci_github.py)."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest
import yaml

from tests.e2e.test_dvc_repro import copy_repository, set_params
from tests.helpers import REPO, SMALL

pytestmark = pytest.mark.slow
NOT_RUN = {
    "make install",
    "make test-unit",
    "make test-integration",
    "make test-e2e",
    "make pr-comment",
}


def pr_make_commands() -> list[str]:
    """The `make …` lines of pr.yml, job by job in file order, matrices expanded."""
    workflow = yaml.safe_load((REPO / ".github/workflows/pr.yml").read_text())
    commands = []
    for job in workflow["jobs"].values():
        suites = job.get("strategy", {}).get("matrix", {}).get("suite", [None])
        for suite in suites:
            for step in job["steps"]:
                for line in str(step.get("run", "")).splitlines():
                    line = re.sub(r"\s*>>\s*\"\$GITHUB_STEP_SUMMARY\"", "", line.strip())
                    if not line.startswith("make "):
                        continue
                    if suite:
                        line = line.replace("${{ matrix.suite }}", suite)
                    commands.append(line)
    return commands


def test_pr_workflow__make_targets_pass_in_order(tmp_path: pathlib.Path) -> None:
    commands = pr_make_commands()
    assert "make repro" in commands
    assert any(c.startswith("make check-status") for c in commands)
    root = copy_repository(tmp_path / "repo")
    set_params(root, SMALL)
    bin_dir = pathlib.Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(root / "src"),
        "MLFLOW_TRACKING_URI": f"sqlite:///{root}/mlflow.db",
    }
    env.pop("DVC_REMOTE_URL", None)

    def sh(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, check=False
        )

    # main: the base branch with a reproduced pipeline; the PR changes one param.
    for command in (
        ["make", "repro", "UV=true", "RUN=env"],
        ["git", "add", "-A"],
        ["git", "commit", "-qm", "base"],
        ["git", "branch", "-M", "main"],
        # what actions/checkout with fetch-depth 0 leaves: the base as origin/main
        ["git", "update-ref", "refs/remotes/origin/main", "main"],
        ["git", "switch", "-qc", "pr"],
    ):
        result = sh(*command)
        assert result.returncode == 0, result.stdout + result.stderr
    set_params(root, {"threshold.cost_false_alarm": 8.0})

    ran = []
    for line in commands:
        if any(line == skip or line.startswith(skip + " ") for skip in NOT_RUN):
            continue
        result = sh(*line.split(), "UV=true", "RUN=env")
        assert result.returncode == 0, f"{line}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        ran.append(line)
    report = (root / "reports/pr-report.md").read_text()
    assert "threshold.cost_false_alarm" in report
    assert "model.average_precision" in report or "model.expected_cost" in report
    assert "make repro" in ran
