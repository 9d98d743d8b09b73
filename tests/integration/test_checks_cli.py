"""The gates through the CLI, as DVC and CI run them: a failed gate exits non-zero naming the
check, its figure and threshold, writes its reports and leaves the model bundle untouched;
checks-summary gathers the Markdown summaries for a CI job summary."""

from __future__ import annotations

import hashlib
import pathlib
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from tests.helpers import REPO

pytestmark = pytest.mark.slow


def _fraudops(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fraudops", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def _digests(folder: pathlib.Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_validate_data_cli__failed_gate_stops_with_the_figures(
    tmp_path: pathlib.Path, small_frame: pd.DataFrame, trained_workspace: pathlib.Path
) -> None:
    bundle = tmp_path / "models/bundle"
    shutil.copytree(trained_workspace / "models/bundle", bundle)
    before = _digests(bundle)
    frame = small_frame.head(3000)
    raw = tmp_path / "raw.parquet"
    pd.concat([frame, frame.head(900)], ignore_index=True).to_parquet(raw, index=False)
    result = _fraudops(
        "validate-data",
        "--params",
        str(REPO / "params.yaml"),
        "--raw",
        str(raw),
        "--reports",
        "reports",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "error: Data integrity gate failed: 1 check(s) stop the line" in result.stderr
    assert "Data Duplicates: 0.2308 (max 0.05). Found 23.08% duplicate data" in result.stderr
    assert "Traceback" not in result.stderr
    for name in ("data_integrity.json", "data_integrity.md", "data_integrity.html"):
        assert (tmp_path / "reports" / name).is_file()
    assert _digests(bundle) == before

    summary = _fraudops("checks-summary", "--reports", "reports", cwd=tmp_path)
    assert summary.returncode == 0
    assert "### ❌ Data integrity: failed" in summary.stdout
    assert "| ❌ fail | Data Duplicates | 0.2308 | max 0.05 | fail |" in summary.stdout
    assert "model_evaluation: no report" in summary.stdout

    job_summary = tmp_path / "step_summary.md"
    job_summary.write_text("# CI\n")
    _fraudops("checks-summary", "--reports", "reports", "--out", str(job_summary), cwd=tmp_path)
    assert job_summary.read_text().startswith("# CI\n## Deepchecks gates")


def test_validate_model_cli__passes_on_the_trained_bundle(
    tmp_path: pathlib.Path, trained_workspace: pathlib.Path
) -> None:
    ws = trained_workspace
    result = _fraudops(
        "validate-model",
        "--params",
        str(REPO / "params.yaml"),
        "--bundle",
        str(ws / "models/bundle"),
        "--train",
        str(ws / "data/processed/train.parquet"),
        "--test",
        str(ws / "data/processed/test.parquet"),
        "--reports",
        str(tmp_path),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "warned, 0 failed, 0 not run" in result.stderr
    assert (tmp_path / "model_evaluation.md").read_text().startswith("### ✅ Model evaluation")
