"""GitOps commands: register, set-alias, gate, promote, model-card, argocd-repo."""

from __future__ import annotations

import datetime as dt
import getpass
import pathlib

import typer

from fraudops.cli import options
from fraudops.config import load_params
from fraudops.environment import load_environment

commands = typer.Typer()


def _tolerances(params: pathlib.Path) -> dict[str, float]:
    return {str(metric): tol for metric, tol in load_params(params).promotion.tolerances.items()}


def _actor() -> str:
    return load_environment().github_actor or getpass.getuser()


def _write(text: str, output: pathlib.Path) -> None:
    from fraudops.io.files import atomic_path

    with atomic_path(output) as temp:
        temp.write_text(text)


@commands.command("register")
def register_cli(
    alias: str | None = typer.Option(None, help="alias to point at the version, e.g. staging"),
    bundle: pathlib.Path = options.Bundle,
    metrics: pathlib.Path = options.Metrics,
    reports: pathlib.Path = options.Reports,
) -> None:
    """Register the bundle's MLflow run as a model version (MLFLOW_TRACKING_URI); print it."""
    from fraudops.gitops.release import read_metrics
    from fraudops.io.bundle import verify_bundle
    from fraudops.io.check_reports import read_check_reports
    from fraudops.io.mlflow_store import tracking_uri
    from fraudops.io.registry import register_bundle

    registered = register_bundle(
        contract=verify_bundle(bundle),
        metrics=read_metrics(metrics)["model"],
        checks=read_check_reports(reports),
        tracking_uri=tracking_uri(),
        alias=alias,
    )
    typer.echo(
        f"{registered.name} version {registered.version} "
        f"({'registered' if registered.created else 'already registered'}"
        f"{f', alias {alias}' if alias else ''})",
        err=True,
    )
    typer.echo(registered.version)


@commands.command("set-alias")
def set_alias_cli(
    alias: str = typer.Option(..., help="e.g. production"),
    version: str | None = typer.Option(None, help="registry version"),
    env: str | None = typer.Option(
        None, "--env", help="take the model and version from this overlay's promotion record"
    ),
    name: str | None = typer.Option(None, help="registered model (default: from --env)"),
    deploy: pathlib.Path = options.Deploy,
) -> None:
    """Point a registry alias at a version (or at what an environment runs)."""
    from fraudops.gitops.actions import alias_target
    from fraudops.io.mlflow_store import tracking_uri
    from fraudops.io.registry import set_alias

    target = alias_target(deploy=deploy, version=version, environment=env, name=name)
    set_alias(name=target.name, version=target.version, alias=alias, tracking_uri=tracking_uri())
    typer.echo(f"{target.name}@{alias} -> version {target.version}")


@commands.command("gate")
def gate_cli(
    metrics: pathlib.Path = options.Metrics,
    from_env: str | None = typer.Option(
        None, "--from", help="judge what this environment runs instead of metrics.json"
    ),
    output: pathlib.Path | None = typer.Option(None, "--output", "-o", help="also write here"),
    params: pathlib.Path = options.Params,
    deploy: pathlib.Path = options.Deploy,
) -> None:
    """Champion/challenger verdict against production, as Markdown; exit 1 when refused."""
    from fraudops.gitops.actions import judge_candidate

    verdict = judge_candidate(
        deploy=deploy,
        metrics_path=metrics,
        from_environment=from_env,
        tolerances=_tolerances(params),
    )
    text = verdict.markdown()
    if output:
        _write(text, output)
    typer.echo(text)
    if not verdict.passed:
        raise typer.Exit(1)


@commands.command("promote")
def promote_cli(
    env: str = typer.Option(..., "--env", help="overlay to edit: staging or production"),
    image: str | None = typer.Option(None, help="the Bento image, <name>@sha256:<digest>"),
    model_version: str | None = typer.Option(None, help="MLflow registry version"),
    from_env: str | None = typer.Option(
        None, "--from", help="promote exactly what this environment runs (no rebuild)"
    ),
    allow_worse: bool = typer.Option(
        False, help="promote even if the gate refuses (needs --reason; recorded)"
    ),
    reason: str | None = typer.Option(None, help="why the gate is overridden"),
    commit: bool = typer.Option(False, help="commit the overlay change (bot identity)"),
    params: pathlib.Path = options.Params,
    bundle: pathlib.Path = options.Bundle,
    metrics: pathlib.Path = options.Metrics,
    reports: pathlib.Path = options.Reports,
    deploy: pathlib.Path = options.Deploy,
) -> None:
    """Pin an image digest and model version in deploy/overlays/<env>, behind the gate."""
    from fraudops.gitops.actions import PromotionRequest, describe_promotion, request_promotion
    from fraudops.gitops.commit import commit_message, commit_paths

    result = request_promotion(
        PromotionRequest(
            environment=env,
            image=image,
            model_version=model_version,
            from_environment=from_env,
            allow_worse=allow_worse,
            reason=reason,
        ),
        deploy=deploy,
        bundle=bundle,
        metrics=metrics,
        reports=reports,
        tolerances=_tolerances(params),
        now=dt.datetime.now(dt.UTC),
        actor=_actor(),
    )
    for line in describe_promotion(result):
        typer.echo(line)
    if commit:
        sha = commit_paths(result.files, commit_message(result.record))
        typer.echo(f"committed {sha}" if sha else "nothing to commit")


@commands.command("model-card")
def model_card_cli(
    env: str = typer.Option("production", "--env"),
    output: pathlib.Path | None = typer.Option(None, "--output", "-o", help="default: stdout"),
    deploy: pathlib.Path = options.Deploy,
) -> None:
    """Render the model card of what an environment runs, from its promotion record."""
    from fraudops.gitops.actions import running_record
    from fraudops.gitops.model_card import render_model_card

    text = render_model_card(running_record(deploy, env, "nothing runs there yet"))
    if output:
        _write(text, output)
        typer.echo(f"wrote {output}", err=True)
    else:
        typer.echo(text, nl=False)


@commands.command("argocd-repo")
def argocd_repo_cli(
    url: str = typer.Argument(..., help="e.g. https://github.com/acme/fraud.git"),
    deploy: pathlib.Path = options.Deploy,
) -> None:
    """Point deploy/argocd (Applications and AppProject) at your repository."""
    from fraudops.gitops.argocd import set_repo_url_in

    changed = set_repo_url_in(deploy / "argocd", url)
    typer.echo(f"{len(changed)} file(s) now point at {url}")
