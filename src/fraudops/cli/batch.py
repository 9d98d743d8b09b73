"""Batch scoring: score a file in shards at constant memory, then merge the shards."""

from __future__ import annotations

import pathlib

import typer

from fraudops.cli import options

commands = typer.Typer()


@commands.command("score-batch")
def score_batch_cli(
    source: str = typer.Argument(..., help="CSV or Parquet file, Parquet folder, or fsspec URI"),
    out: str = typer.Option(..., "--out", help="output folder (local path or fsspec URI)"),
    bundle: pathlib.Path = options.Bundle,
    engine: str = typer.Option(
        "",
        "--engine",
        help="sklearn or onnx; default: $FRAUDOPS_ENGINE, else sklearn",
    ),
    onnx: pathlib.Path | None = typer.Option(
        None, "--onnx", help="ONNX export (default: model.onnx in or beside the bundle)"
    ),
    shard: str = typer.Option("0/1", "--shard", help="i/n: score the i-th of n disjoint parts"),
    chunk_rows: int = typer.Option(
        100_000, "--chunk-rows", min=1, help="rows per chunk; every shard must use the same"
    ),
    workers: int = typer.Option(
        0, "--workers", min=0, help="chunks scored at once, one thread each (0: one per core)"
    ),
    progress: bool | None = typer.Option(
        None, "--progress/--no-progress", help="progress bar (default: on a terminal)"
    ),
) -> None:
    """Score a file in chunks at constant memory; invalid rows go to a rejects file."""
    from fraudops.scoring.batch import default_workers, score_batch
    from fraudops.scoring.chunks import Shard
    from fraudops.scoring.engine import engine_name, engine_name_from_env, load_engine
    from fraudops.scoring.summary import format_summary

    name = engine_name(engine, "--engine") if engine else engine_name_from_env()
    workers = workers or default_workers()
    scorer = load_engine(bundle, name, onnx_path=onnx, threads=1 if workers > 1 else None)
    part = Shard.parse(shard)
    summary = score_batch(
        source=source,
        out=out,
        engine=scorer,
        shard=part,
        chunk_rows=chunk_rows,
        workers=workers,
        progress=progress,
    )
    typer.echo(format_summary(summary, f"{source} shard {part} ({scorer.name}) -> {out}"))


@commands.command("score-merge")
def score_merge_cli(
    out: str = typer.Argument(..., help="the output folder all shards wrote to"),
) -> None:
    """Check that every shard of a sharded run is present; write one summary for them all."""
    from fraudops.scoring.summary import format_summary, merge_folder

    summary = merge_folder(out)
    typer.echo(format_summary(summary, f"{out}: {summary.shards} shard(s) merged"))
