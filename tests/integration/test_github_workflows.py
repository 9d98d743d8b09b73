"""The GitHub Actions workflows lint clean, match GitHub's schemas, and keep the security
rules: pinned actions, least privilege, timeouts, no pull_request_target."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest
import yaml

from tests.helpers import REPO
from tests.manifest_schemas import tool

WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))
ACTIONS = sorted((REPO / ".github/actions").glob("*/action.yml"))
BIN = pathlib.Path(sys.executable).parent
# The only jobs that may write, and what.
WRITES = {
    ("pr", "comment"): {"pull-requests"},
    ("main", "build"): {"packages"},
    ("main", "promote-staging"): {"contents"},
    ("release", "promote-production"): {"contents"},
    ("scheduled", "monitor"): {"contents", "pull-requests"},
}


def _load(path: pathlib.Path) -> dict:
    # PyYAML reads the key `on` as True.
    return {("on" if k is True else k): v for k, v in yaml.safe_load(path.read_text()).items()}


def test_workflows__exist() -> None:
    assert {p.stem for p in WORKFLOWS} == {"pr", "main", "release", "scheduled"}


def test_actionlint__passes() -> None:
    env_path = f"{BIN}:{pathlib.os.environ.get('PATH', '')}"  # shellcheck beside actionlint
    result = subprocess.run(
        [tool("actionlint"), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        env={**pathlib.os.environ, "PATH": env_path},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.github-actions", ACTIONS),
        ("vendor.dependabot", [REPO / ".github/dependabot.yml"]),
    ],
)
def test_check_jsonschema__passes(schema: str, files: list[pathlib.Path]) -> None:
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", [*WORKFLOWS, *ACTIONS], ids=lambda p: p.parent.name + "/" + p.name)
def test_actions__pinned_to_full_sha_with_version(path: pathlib.Path) -> None:
    for line in path.read_text().splitlines():
        match = re.search(r"uses:\s*([^\s#]+)(.*)", line)
        if not match or match.group(1).startswith("./"):
            continue
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", match.group(1)), line
        assert re.search(r"#\s*v\d", match.group(2)), f"no version comment: {line}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow__least_privilege_and_timeouts(path: pathlib.Path) -> None:
    workflow = _load(path)
    assert workflow["permissions"] == {"contents": "read"}
    assert "pull_request_target" not in workflow["on"]
    for name, job in workflow["jobs"].items():
        assert "timeout-minutes" in job, f"{path.name}: job {name} has no timeout"
        writes = {k for k, v in job.get("permissions", {}).items() if v == "write"}
        assert writes == WRITES.get((path.stem, name), set()), f"{path.name}: job {name}"


def test_concurrency__cancels_superseded_pull_request_runs_only() -> None:
    for path in WORKFLOWS:
        concurrency = _load(path)["concurrency"]
        assert concurrency["cancel-in-progress"] is (path.stem == "pr"), path.name


def test_main__bot_commits_do_not_retrigger() -> None:
    on = _load(REPO / ".github/workflows/main.yml")["on"]
    assert "deploy/overlays/**" in on["push"]["paths-ignore"]


def test_steps__call_make_or_the_cli() -> None:
    """CI holds no logic of its own: every run step is a make target or a one-liner."""
    for path in WORKFLOWS:
        for job in _load(path)["jobs"].values():
            for step in job["steps"]:
                if "run" not in step:
                    continue
                for line in filter(None, (s.strip() for s in step["run"].splitlines())):
                    assert re.match(r"(make |echo |cat |git push )", line), f"{path.name}: {line}"
