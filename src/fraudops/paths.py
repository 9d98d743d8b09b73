"""Where each stage reads and writes, relative to the repository root (as in dvc.yaml)."""

from __future__ import annotations

import pathlib

PARAMS = pathlib.Path("params.yaml")
RAW = pathlib.Path("data/raw/transactions.parquet")
TRAIN = pathlib.Path("data/processed/train.parquet")
TEST = pathlib.Path("data/processed/test.parquet")
BUNDLE = pathlib.Path("models/bundle")
TUNING = pathlib.Path("models/tuning.json")
METRICS = pathlib.Path("metrics.json")
PLOTS = pathlib.Path("plots")
REPORTS = pathlib.Path("reports")
