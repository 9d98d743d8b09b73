"""Options that several commands share, so each is spelt and documented once."""

from __future__ import annotations

import typer

from fraudops import paths

Params = typer.Option(paths.PARAMS, "--params", help="params file (validated strictly)")
Bundle = typer.Option(paths.BUNDLE, "--bundle", help="the model bundle folder")
Train = typer.Option(paths.TRAIN, "--train", help="the training period (Parquet)")
Test = typer.Option(paths.TEST, "--test", help="the test period (Parquet)")
Reports = typer.Option(paths.REPORTS, "--reports", help="Deepchecks reports (*.json, *.md)")
Metrics = typer.Option(paths.METRICS, "--metrics", help="the evaluate stage's report")
Deploy = typer.Option(paths.DEPLOY, "--deploy", help="the deploy/ folder")
