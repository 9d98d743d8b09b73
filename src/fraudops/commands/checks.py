"""The Deepchecks gates on the command line: validate-data, validate-split, validate-model and
checks-summary (the three Markdown summaries, for a CI job summary or a pull-request comment)."""

from __future__ import annotations

import pathlib

import typer

from fraudops import paths
from fraudops.cli import ParamsOption, app
from fraudops.config import load_params

ReportsOption = typer.Option(paths.REPORTS, "--reports", help="folder for the reports")


@app.command("validate-data")
def validate_data_cli(
    params: pathlib.Path = ParamsOption,
    raw: pathlib.Path = typer.Option(paths.RAW),
    reports: pathlib.Path = ReportsOption,
) -> None:
    """Gate after ingest: the data contract and Deepchecks' data integrity suite."""
    from fraudops.stages.validate import validate_data

    validate_data(params=load_params(params), raw=raw, reports=reports)


@app.command("validate-split")
def validate_split_cli(
    params: pathlib.Path = ParamsOption,
    train_path: pathlib.Path = typer.Option(paths.TRAIN, "--train"),
    test_path: pathlib.Path = typer.Option(paths.TEST, "--test"),
    reports: pathlib.Path = ReportsOption,
) -> None:
    """Gate after split: Deepchecks' train-test validation suite (drift, leakage)."""
    from fraudops.stages.validate import validate_split

    validate_split(
        params=load_params(params), train_path=train_path, test_path=test_path, reports=reports
    )


@app.command("validate-model")
def validate_model_cli(
    params: pathlib.Path = ParamsOption,
    bundle: pathlib.Path = typer.Option(paths.BUNDLE),
    train_path: pathlib.Path = typer.Option(paths.TRAIN, "--train"),
    test_path: pathlib.Path = typer.Option(paths.TEST, "--test"),
    reports: pathlib.Path = ReportsOption,
) -> None:
    """Gate after train: Deepchecks' model evaluation suite on the test period."""
    from fraudops.stages.validate import validate_model

    validate_model(
        params=load_params(params),
        bundle_dir=bundle,
        train_path=train_path,
        test_path=test_path,
        reports=reports,
    )


@app.command("checks-summary")
def checks_summary_cli(
    reports: pathlib.Path = ReportsOption,
    out: pathlib.Path | None = typer.Option(
        None, "--out", help="append to this file (e.g. $GITHUB_STEP_SUMMARY) instead of printing"
    ),
) -> None:
    """The three gates' Markdown summaries, for a CI job summary or a pull-request comment."""
    from fraudops.checks.report import summary

    text = summary(reports)
    if out is None:
        typer.echo(text)
        return
    with out.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
