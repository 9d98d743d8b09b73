"""Where each stage reads and writes, relative to the repository root (as in dvc.yaml), and
the repository root itself."""

from __future__ import annotations

import pathlib

PARAMS = pathlib.Path("params.yaml")
RAW = pathlib.Path("data/raw/transactions.parquet")
TRAIN = pathlib.Path("data/processed/train.parquet")
TEST = pathlib.Path("data/processed/test.parquet")
MODELS = pathlib.Path("models")
BUNDLE = MODELS / "bundle"
CANDIDATES = MODELS / "candidates"  # tuning results scored one per pod (the Argo fan-out)
TUNING = MODELS / "tuning.json"
REFERENCE = MODELS / "reference"  # the training sample monitoring compares traffic with
ONNX = MODELS / "model.onnx"
ONNX_PARITY = MODELS / "onnx_parity.json"
METRICS = pathlib.Path("metrics.json")
PLOTS = pathlib.Path("plots")
REPORTS = pathlib.Path("reports")
MONITORING_REPORTS = REPORTS / "monitoring"
PR_REPORT = REPORTS / "pr-report.md"
PLOTS_DIFF = pathlib.Path("plots-diff")
DEPLOY = pathlib.Path("deploy")


def repo_root(start: pathlib.Path | None = None) -> pathlib.Path:
    """The folder holding ``dvc.yaml`` at or above ``start`` (the working directory)."""
    here = (start or pathlib.Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "dvc.yaml").is_file():
            return folder
    return here
