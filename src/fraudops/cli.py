"""The one entry point: DVC stages, make targets, CI steps and Argo containers all call it.

Each command only parses options and calls a plain function from ``fraudops.stages`` (or
another package module); tests call those functions directly.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import pathlib
import sys
import time

import typer

from fraudops import paths, settings
from fraudops.config import load_params, params_json_schema
from fraudops.errors import FraudopsError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="fraudops: train, check, serve and promote the card-fraud model.",
)

ParamsOption = typer.Option(paths.PARAMS, "--params", help="params file (validated strictly)")


@app.callback()
def _setup(verbose: bool = typer.Option(False, "--verbose", "-v")) -> None:
    settings.quiet_third_parties()
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("alembic", "mlflow", "urllib3", "matplotlib", "numexpr"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@app.command("check-params")
def check_params_cli(
    params: pathlib.Path = ParamsOption,
    schema: bool = typer.Option(False, help="print the JSON schema"),
) -> None:
    """Validate params.yaml (or print its JSON schema)."""
    if schema:
        typer.echo(json.dumps(params_json_schema(), indent=2))
        return
    load_params(params)
    typer.echo(f"{params}: ok")


@app.command("ingest")
def ingest_cli(
    params: pathlib.Path = ParamsOption, out: pathlib.Path = typer.Option(paths.RAW)
) -> None:
    """Write data/raw/ from the generator or the declared source."""
    from fraudops.stages.ingest import ingest

    ingest(data=load_params(params).data, out=out)


@app.command("split")
def split_cli(
    params: pathlib.Path = ParamsOption,
    raw: pathlib.Path = typer.Option(paths.RAW),
    train_out: pathlib.Path = typer.Option(paths.TRAIN),
    test_out: pathlib.Path = typer.Option(paths.TEST),
) -> None:
    """Time-based split into the training and test periods."""
    from fraudops.stages.split import split

    cfg = load_params(params)
    split(cfg=cfg.split, columns=cfg.data.columns, raw=raw, train_out=train_out, test_out=test_out)


@app.command("list-candidates")
def list_candidates_cli(params: pathlib.Path = ParamsOption) -> None:
    """Print the candidate indices as a JSON list (for an Argo fan-out)."""
    from fraudops.stages.tune import candidates

    typer.echo(json.dumps(list(range(len(candidates(load_params(params)))))))


@app.command("tune-candidate")
def tune_candidate_cli(
    index: int = typer.Option(..., "--index"),
    params: pathlib.Path = ParamsOption,
    train_path: pathlib.Path = typer.Option(paths.TRAIN, "--train"),
    out_dir: pathlib.Path = typer.Option(pathlib.Path("models/candidates"), "--out-dir"),
) -> None:
    """Cross-validate one hyperparameter candidate and write its result."""
    from fraudops.stages.tune import tune_one

    result = tune_one(
        params=load_params(params), train_path=train_path, index=index, out_dir=out_dir
    )
    typer.echo(json.dumps({"index": result.index, "score": result.mean_score}))


@app.command("train")
def train_cli(
    params: pathlib.Path = ParamsOption,
    train_path: pathlib.Path = typer.Option(paths.TRAIN, "--train"),
    bundle: pathlib.Path = typer.Option(paths.BUNDLE),
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


@app.command("evaluate")
def evaluate_cli(
    params: pathlib.Path = ParamsOption,
    bundle: pathlib.Path = typer.Option(paths.BUNDLE),
    train_path: pathlib.Path = typer.Option(paths.TRAIN, "--train"),
    test_path: pathlib.Path = typer.Option(paths.TEST, "--test"),
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


# Commands of other areas register themselves on ``app`` when imported.
from fraudops.commands import batch, checks, ci, gitops, monitoring, serving  # noqa: E402,F401


def _record_profile(path: str, started: float) -> None:
    """Append this command's wall time and peak memory (bench/pipeline.py reads them)."""
    import resource

    record = {
        "command": sys.argv[1] if len(sys.argv) > 1 else "",
        "seconds": round(time.perf_counter() - started, 3),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    with open(path, "a") as handle:
        handle.write(json.dumps(record) + "\n")


def main() -> None:
    """Console entry: a ``FraudopsError`` becomes one clear line and exit status 1."""
    started = time.perf_counter()
    profile = os.environ.get("FRAUDOPS_PROFILE_FILE")
    if profile:
        atexit.register(_record_profile, profile, started)
    try:
        app()
    except FraudopsError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
