"""The pipeline's stages, as dvc.yaml and the Argo training workflow run them."""

from __future__ import annotations

import json
import pathlib

import typer

from fraudops import paths
from fraudops.cli import options
from fraudops.config import load_params, params_json_schema

commands = typer.Typer()


@commands.command("check-params")
def check_params_cli(
    params: pathlib.Path = options.Params,
    schema: bool = typer.Option(False, help="print the JSON schema"),
) -> None:
    """Validate params.yaml (or print its JSON schema)."""
    if schema:
        typer.echo(json.dumps(params_json_schema(), indent=2))
        return
    load_params(params)
    typer.echo(f"{params}: ok")


@commands.command("ingest")
def ingest_cli(
    params: pathlib.Path = options.Params, out: pathlib.Path = typer.Option(paths.RAW)
) -> None:
    """Write data/raw/ from the generator or the declared source."""
    from fraudops.stages.ingest import ingest

    ingest(data=load_params(params).data, out=out)


@commands.command("validate-data")
def validate_data_cli(
    params: pathlib.Path = options.Params,
    raw: pathlib.Path = typer.Option(paths.RAW),
    reports: pathlib.Path = options.Reports,
) -> None:
    """Gate after ingest: the data contract and Deepchecks' data integrity suite."""
    from fraudops.stages.validate import validate_data

    validate_data(params=load_params(params), raw=raw, reports=reports)


@commands.command("split")
def split_cli(
    params: pathlib.Path = options.Params,
    raw: pathlib.Path = typer.Option(paths.RAW),
    train_out: pathlib.Path = typer.Option(paths.TRAIN),
    test_out: pathlib.Path = typer.Option(paths.TEST),
) -> None:
    """Time-based split into the training and test periods."""
    from fraudops.stages.split import split

    cfg = load_params(params)
    split(cfg=cfg.split, columns=cfg.data.columns, raw=raw, train_out=train_out, test_out=test_out)


@commands.command("validate-split")
def validate_split_cli(
    params: pathlib.Path = options.Params,
    train_path: pathlib.Path = options.Train,
    test_path: pathlib.Path = options.Test,
    reports: pathlib.Path = options.Reports,
) -> None:
    """Gate after split: Deepchecks' train-test validation suite (drift, leakage)."""
    from fraudops.stages.validate import validate_split

    validate_split(
        params=load_params(params), train_path=train_path, test_path=test_path, reports=reports
    )


@commands.command("list-candidates")
def list_candidates_cli(params: pathlib.Path = options.Params) -> None:
    """Print the candidate indices as a JSON list (for an Argo fan-out)."""
    from fraudops.core.search import candidate_params

    count = len(candidate_params(load_params(params).train))
    typer.echo(json.dumps(list(range(count))))


@commands.command("tune-candidate")
def tune_candidate_cli(
    index: int = typer.Option(..., "--index"),
    params: pathlib.Path = options.Params,
    train_path: pathlib.Path = options.Train,
    out_dir: pathlib.Path = typer.Option(paths.CANDIDATES, "--out-dir"),
) -> None:
    """Cross-validate one hyperparameter candidate and write its result."""
    from fraudops.stages.tune import tune_one

    result = tune_one(
        params=load_params(params), train_path=train_path, index=index, out_dir=out_dir
    )
    typer.echo(json.dumps({"index": result.index, "score": result.mean_score}))


@commands.command("train")
def train_cli(
    params: pathlib.Path = options.Params,
    train_path: pathlib.Path = options.Train,
    bundle: pathlib.Path = options.Bundle,
    tuning_out: pathlib.Path = typer.Option(paths.TUNING),
    results_dir: pathlib.Path | None = typer.Option(
        None,
        "--results-dir",
        help="select from candidate results scored elsewhere "
        "(the Argo fan-out) instead of tuning here",
    ),
) -> None:
    """Tune, fit, choose the threshold, log to MLflow and write the model bundle."""
    from fraudops.stages.train import train

    train(
        params=load_params(params),
        train_path=train_path,
        bundle_dir=bundle,
        tuning_out=tuning_out,
        results_dir=results_dir,
    )


@commands.command("validate-model")
def validate_model_cli(
    params: pathlib.Path = options.Params,
    bundle: pathlib.Path = options.Bundle,
    train_path: pathlib.Path = options.Train,
    test_path: pathlib.Path = options.Test,
    reports: pathlib.Path = options.Reports,
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


@commands.command("evaluate")
def evaluate_cli(
    params: pathlib.Path = options.Params,
    bundle: pathlib.Path = options.Bundle,
    train_path: pathlib.Path = options.Train,
    test_path: pathlib.Path = options.Test,
    metrics_out: pathlib.Path = typer.Option(paths.METRICS, "--metrics"),
    plots: pathlib.Path = typer.Option(paths.PLOTS),
) -> None:
    """Test-period metrics and plots, beside a simple baseline."""
    from fraudops.stages.evaluate import evaluate

    evaluate(
        params=load_params(params),
        bundle_dir=bundle,
        train_path=train_path,
        test_path=test_path,
        metrics_out=metrics_out,
        plots_dir=plots,
    )


@commands.command("reference")
def reference_cli(
    params: pathlib.Path = options.Params,
    train_path: pathlib.Path = options.Train,
    bundle: pathlib.Path = options.Bundle,
    out: pathlib.Path = typer.Option(paths.REFERENCE),
) -> None:
    """Write models/reference: the training-period sample monitoring compares traffic with."""
    from fraudops.stages.reference import reference

    reference(params=load_params(params), train_path=train_path, bundle_dir=bundle, out_dir=out)


@commands.command("export-onnx")
def export_onnx_cli(
    params: pathlib.Path = options.Params,
    bundle: pathlib.Path = options.Bundle,
    test_path: pathlib.Path = options.Test,
    out: pathlib.Path = typer.Option(paths.ONNX, "--out"),
    parity: pathlib.Path = typer.Option(paths.ONNX_PARITY, "--parity"),
) -> None:
    """Convert the bundle's pipeline to ONNX; fail unless it scores the test period alike."""
    from fraudops.stages.export_onnx import export_onnx

    result = export_onnx(
        cfg=load_params(params).export_onnx,
        bundle_dir=bundle,
        test_path=test_path,
        out=out,
        parity_out=parity,
    )
    typer.echo(
        f"{out}: {result.size_bytes:,} bytes; parity on {result.parity.rows:,} test rows: "
        f"largest difference {result.parity.max_abs_diff:.2g}, "
        f"{result.parity.decision_mismatches} decision(s) differ"
    )
