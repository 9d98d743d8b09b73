"""The gates stop the DVC line: in a fresh copy of the pipeline, a data source that fails the
data gate makes ``dvc repro`` exit non-zero naming the check; split, train and evaluate do not
run, their entries in dvc.lock stay at the last good state, and the previous model stays."""

from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from fraudops.core.generator import generate_transactions
from tests.helpers import REPO, make_params, params_dict

pytestmark = pytest.mark.slow
# The small data of the other tests (8000 rows): fewer test-period frauds make ROC AUC too
# noisy for the model gate's default threshold.
SMALL = {"data.generator.rows": 8000, "train.search.n_iter": 1, "train.search.cv_folds": 2}


def _run(command: list[str], cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "MLFLOW_TRACKING_URI": f"sqlite:///{cwd / 'mlflow.db'}",
    }
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=1800
    )


def _digests(folder: pathlib.Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _lock(repo: pathlib.Path) -> dict:
    return yaml.safe_load((repo / "dvc.lock").read_text())["stages"]


def test_dvc_repro__failed_data_gate_keeps_the_last_good_state(tmp_path: pathlib.Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(REPO / "dvc.yaml", repo)
    shutil.copytree(REPO / "src", repo / "src", ignore=shutil.ignore_patterns("__pycache__"))
    params = params_dict(SMALL)
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    for command in (["git", "init", "-q"], [sys.executable, "-m", "dvc", "init", "-q"]):
        assert _run(command, repo).returncode == 0

    good = _run([sys.executable, "-m", "dvc", "repro"], repo)
    assert good.returncode == 0, good.stdout[-3000:] + good.stderr[-3000:]
    lock, model = _lock(repo), _digests(repo / "models/bundle")
    processed = _digests(repo / "data/processed")
    assert (repo / "reports/model_evaluation.json").is_file()

    # A source that ingest accepts but the data gate refuses: a third of the rows loaded twice.
    frame = generate_transactions(make_params(SMALL).data.generator)
    doubled = frame.sample(frac=0.3, random_state=1)
    source = tmp_path / "doubled.csv"
    pd.concat([frame, doubled], ignore_index=True).to_csv(source, index=False)
    params["data"]["source"] = str(source)
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))

    bad = _run([sys.executable, "-m", "dvc", "repro"], repo)
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0
    assert "Data integrity gate failed" in output
    assert "Data Duplicates: 0.2308 (max 0.05). Found 23.08% duplicate data" in output
    assert "Running stage 'split'" not in output
    after = _lock(repo)
    for stage in (
        "validate_data",
        "split",
        "validate_split",
        "train",
        "validate_model",
        "evaluate",
    ):
        assert after[stage] == lock[stage], stage
    assert _digests(repo / "models/bundle") == model
    assert _digests(repo / "data/processed") == processed
    assert '"passed": false' in (repo / "reports/data_integrity.json").read_text()
