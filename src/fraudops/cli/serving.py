"""Serving commands: import a model into the BentoML store, build the Bento, serve locally."""

from __future__ import annotations

import os
import pathlib
import sys

import typer

from fraudops.cli import options
from fraudops.environment import Environment

commands = typer.Typer()
TagOption = typer.Option(
    None,
    "--tag",
    help="serve this model from the BentoML store (name:version) instead of importing --bundle",
)


def _model_tag(bundle: pathlib.Path, tag: str | None) -> str:
    from fraudops.serving.store import import_bundle, stored_contract

    if tag:
        return stored_contract(tag)[0]
    return import_bundle(bundle).tag


@commands.command("import-model")
def import_model_cli(
    bundle: pathlib.Path = options.Bundle,
    mlflow_model: str | None = typer.Option(
        None,
        "--mlflow-model",
        help="import an MLflow model instead: models:/<name>/<version>, models:/<name>@<alias> "
        "or runs:/<run id>/model (tracking URI from MLFLOW_TRACKING_URI)",
    ),
) -> None:
    """Copy the model bundle (checksum verified) into the BentoML store; print its tag."""
    from fraudops.serving.store import import_bundle, import_mlflow_model

    imported = import_mlflow_model(mlflow_model) if mlflow_model else import_bundle(bundle)
    typer.echo(imported.tag)


@commands.command("build-bento")
def build_bento_cli(bundle: pathlib.Path = options.Bundle, tag: str | None = TagOption) -> None:
    """Import the model and build the Bento (no Docker needed); print its tag and Dockerfile."""
    from fraudops.paths import repo_root
    from fraudops.serving.bento import build_bento

    built = build_bento(model_tag=_model_tag(bundle, tag), root=repo_root())
    typer.echo(f"bento: {built.tag}\nmodel: {built.model_tag}\ndockerfile: {built.dockerfile}")


@commands.command("serve")
def serve_cli(
    bundle: pathlib.Path = options.Bundle,
    tag: str | None = TagOption,
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(3000, help="port to listen on"),
) -> None:
    """Import the model if needed and serve it with `bentoml serve` (replaces this process)."""
    env = {**os.environ, Environment.variable("model_tag"): _model_tag(bundle, tag)}
    command = [sys.executable, "-m", "bentoml", "serve", "fraudops.serving.service:FraudDetection"]
    command += ["--host", host, "--port", str(port)]
    sys.stdout.flush()
    os.execve(sys.executable, command, env)  # noqa: S606 - our own interpreter, fixed arguments
