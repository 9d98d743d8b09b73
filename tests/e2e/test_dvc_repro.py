"""The template as a user gets it: a fresh copy of the repository runs ``dvc repro`` on reduced
data, a second run does nothing, one changed param reruns only what depends on it,
``dvc exp run -S`` works, and ``dvc push`` then ``dvc pull`` in a fresh clone restores it all."""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import typing

import pytest
import yaml

from tests.helpers import REPO, SMALL, read_only

pytestmark = pytest.mark.slow


def _env(root: pathlib.Path) -> dict[str, str]:
    bin_dir = pathlib.Path(sys.executable).parent
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(root / "src"),
        "MLFLOW_TRACKING_URI": f"sqlite:///{root}/mlflow.db",
        "DVC_NO_ANALYTICS": "1",
        "DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY": "1",
    }


def run(root: pathlib.Path, *command: str) -> str:
    result = subprocess.run(
        command, cwd=root, env=_env(root), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def dvc(root: pathlib.Path, *args: str) -> str:
    return run(root, str(pathlib.Path(sys.executable).parent / "dvc"), *args)


def stages_run(output: str) -> set[str]:
    return set(re.findall(r"Running stage '([^']+)'", output))


def set_params(root: pathlib.Path, overrides: dict[str, object]) -> None:
    path = root / "params.yaml"
    raw = yaml.safe_load(path.read_text())
    for dotted, value in overrides.items():
        node = raw
        *parents, last = dotted.split(".")
        for part in parents:
            node = node[part]
        node[last] = value
    path.write_text(yaml.safe_dump(raw, sort_keys=False))


def copy_repository(target: pathlib.Path) -> pathlib.Path:
    """What a user starts from: the tracked and new (not ignored) files, in a new git repo."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for generated in ("dvc.lock", "metrics.json"):
        (target / generated).unlink(missing_ok=True)
    run(target, "git", "init", "-q")
    return target


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> typing.Iterator[pathlib.Path]:
    """The template reproduced once on small data and committed. Read-only for the tests:
    each runs its DVC commands in a copy of its own (``_copy``)."""
    root = copy_repository(tmp_path_factory.mktemp("project"))
    set_params(root, SMALL)
    run(root, "git", "add", "-A")
    run(root, "git", "commit", "-qm", "template")
    output = dvc(root, "repro")
    assert {"ingest", "split", "train", "evaluate"} <= stages_run(output)
    run(root, "git", "add", "-A")
    run(root, "git", "commit", "-qm", "reproduced")
    with read_only(root, "the reproduced project"):
        yield root


def _copy(project: pathlib.Path, tmp_path: pathlib.Path) -> pathlib.Path:
    """The reproduced project, git repository and DVC cache included, in ``tmp_path``."""
    return pathlib.Path(shutil.copytree(project, tmp_path / "project", symlinks=True))


def test_repro__writes_every_output(project: pathlib.Path, tmp_path: pathlib.Path) -> None:
    assert (project / "data/raw/transactions.parquet").is_file()
    assert (project / "data/processed/train.parquet").is_file()
    contract = json.loads((project / "models/bundle/contract.json").read_text())
    assert contract["checksum"]
    metrics = json.loads((project / "metrics.json").read_text())
    assert metrics["model"]["roc_auc"] > 0.6
    for name in ("roc.csv", "precision_recall.csv", "calibration.csv", "cost.csv"):
        assert (project / "plots" / name).stat().st_size > 0
    copy = _copy(project, tmp_path)
    assert "model.average_precision" in dvc(copy, "metrics", "show")
    dvc(copy, "plots", "show", "-o", str(tmp_path / "plots-html"))
    assert (tmp_path / "plots-html/index.html").is_file()


def test_repro__second_run_is_a_no_op(project: pathlib.Path, tmp_path: pathlib.Path) -> None:
    output = dvc(_copy(project, tmp_path), "repro")
    assert stages_run(output) == set()
    assert "up to date" in output


def test_repro__changed_param_reruns_only_dependents(
    project: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    copy = _copy(project, tmp_path)
    set_params(copy, {"evaluate.curve_points": 50})
    ran = stages_run(dvc(copy, "repro"))
    assert "evaluate" in ran
    assert not ran & {"ingest", "split", "train"}


def test_exp_run__set_param(project: pathlib.Path, tmp_path: pathlib.Path) -> None:
    copy = _copy(project, tmp_path)
    output = dvc(copy, "exp", "run", "-S", "evaluate.calibration_bins=5")
    assert "evaluate" in stages_run(output)
    shown = dvc(copy, "exp", "show", "--json")
    assert re.search(r'"calibration_bins":\s*5\b', shown), shown[:2000]


def test_remote__push_then_pull_in_a_fresh_clone(
    project: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    copy = _copy(project, tmp_path)
    dvc(copy, "remote", "modify", "--local", "local", "url", str(tmp_path / "dvc-remote"))
    dvc(copy, "push")
    clone = tmp_path / "clone"
    run(tmp_path, "git", "clone", "-q", str(copy), str(clone))
    remote = (copy / ".dvc/config.local").read_text()
    (clone / ".dvc/config.local").write_text(remote)
    assert not (clone / "data/raw").exists()
    dvc(clone, "pull")
    original = project / "models/bundle/contract.json"
    assert (clone / "models/bundle/contract.json").read_bytes() == original.read_bytes()
    assert (clone / "data/raw/transactions.parquet").is_file()
    assert "up to date" in dvc(clone, "status")
