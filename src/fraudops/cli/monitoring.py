"""Monitoring commands: ``monitor`` and ``simulate-traffic``."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import typer

from fraudops import paths
from fraudops.cli import options
from fraudops.config import load_params
from fraudops.environment import load_environment

commands = typer.Typer()


@commands.command("monitor")
def monitor_cli(
    logs: pathlib.Path | None = typer.Option(
        None,
        help="prediction log folder (default: $FRAUDOPS_PREDICTION_LOG_DIR, else logs/predictions)",
    ),
    since: str | None = typer.Option(None, help="window start, ISO date or date-time (UTC)"),
    until: str | None = typer.Option(
        None, help="window end, exclusive (default: today 00:00 UTC, or since + window)"
    ),
    window_days: int | None = typer.Option(
        None, min=1, help="window length when --since or --until is missing (default: params)"
    ),
    labels: pathlib.Path | None = typer.Option(
        None, help="CSV/Parquet of record_id,label: adds concept drift (performance)"
    ),
    out: pathlib.Path = typer.Option(paths.MONITORING_REPORTS, help="report folder"),
    include_open: bool = typer.Option(
        False, help="also read files still being written (*.jsonl.open)"
    ),
    prom_file: pathlib.Path | None = typer.Option(
        None, help="also write the metrics here (a node-exporter textfile collector file)"
    ),
    pushgateway: str | None = typer.Option(None, help="push the metrics to this Pushgateway"),
    params: pathlib.Path = options.Params,
    bundle: pathlib.Path = options.Bundle,
    reference: pathlib.Path = typer.Option(paths.REFERENCE),
    metrics: pathlib.Path = options.Metrics,
) -> None:
    """Drift of logged predictions against the training reference.

    Exit status: 0 no threshold crossed, 3 a threshold crossed (reports written), 1 error.
    """
    from fraudops.monitoring.job import monitor, parse_time, resolve_window

    cfg = load_params(params).monitoring
    window = resolve_window(
        parse_time(since, "--since") if since else None,
        parse_time(until, "--until") if until else None,
        window_days or cfg.window_days,
        dt.datetime.now(dt.UTC),
    )
    result = monitor(
        logs=logs or load_environment().prediction_log_dir,
        window=window,
        cfg=cfg,
        bundle_dir=bundle,
        reference_dir=reference,
        metrics_path=metrics,
        out_dir=out,
        labels_path=labels,
        include_open=include_open,
        prom_file=prom_file,
        pushgateway=pushgateway,
    )
    report = result.report
    typer.echo(f"window {window.name}: {report.status} ({len(report.alerts)} alert(s))")
    for alert in report.alerts:
        typer.echo(f"  ALERT {alert.message}")
    for name, path in result.outputs.items():
        typer.echo(f"  {name:16} {path}")
    raise typer.Exit(result.exit_code)


@commands.command("simulate-traffic")
def simulate_traffic_cli(
    drift: str = typer.Option(
        "none", help="none, amounts, merchants, foreign, fraud-pattern, all, or params"
    ),
    rows: int = typer.Option(20_000, min=1),
    days: int = typer.Option(7, min=1),
    until: str | None = typer.Option(None, help="last day is the one before (default: today)"),
    drift_start_day: int = typer.Option(0, min=0, help="days after the start when drift begins"),
    seed_offset: int = typer.Option(1, help="added to the generator seed of params.yaml"),
    logs: pathlib.Path | None = typer.Option(None, help="log folder (default: as `monitor`)"),
    labels_out: pathlib.Path | None = typer.Option(
        pathlib.Path("logs/labels.csv"), help="labels file to write (CSV or Parquet)"
    ),
    params: pathlib.Path = options.Params,
    bundle: pathlib.Path = options.Bundle,
) -> None:
    """Generate traffic, score it with the bundle and write it as prediction logs."""
    from fraudops.monitoring.job import parse_time
    from fraudops.monitoring.traffic import simulate_traffic
    from fraudops.scoring.engine import engine_name_from_env, load_engine

    end = parse_time(until, "--until").date() if until else dt.datetime.now(dt.UTC).date()
    traffic = simulate_traffic(
        generator=load_params(params).data.generator,
        engine=load_engine(bundle, engine_name_from_env()),
        scenario=drift,
        until=end,
        days=days,
        rows=rows,
        log_dir=logs or load_environment().prediction_log_dir,
        labels_path=labels_out,
        drift_start_day=drift_start_day,
        seed_offset=seed_offset,
    )
    summary = {
        "rows": traffic.rows,
        "fraud_rate": round(traffic.fraud_rate, 4),
        "since": traffic.since.isoformat(),
        "until": traffic.until.isoformat(),
        "files": [str(f) for f in traffic.files],
        "labels": str(traffic.labels) if traffic.labels else None,
    }
    typer.echo(json.dumps(summary, indent=2))
