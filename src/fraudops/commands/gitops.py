"""GitOps commands: register, set-alias, gate, promote, model-card (thin wrappers)."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import pathlib

import typer

from fraudops import paths, settings
from fraudops.cli import ParamsOption, app
from fraudops.config import load_params
from fraudops.errors import FraudopsError
from fraudops.gitops.overlay import DEPLOY

DeployOption = typer.Option(DEPLOY, "--deploy", help="the deploy/ folder")
BundleOption = typer.Option(paths.BUNDLE, "--bundle")
MetricsOption = typer.Option(paths.METRICS, "--metrics", help="the evaluate stage's report")
ReportsOption = typer.Option(paths.REPORTS, "--reports", help="Deepchecks reports (*.json)")


def _tolerances(params: pathlib.Path) -> dict[str, float]:
    return {str(metric): tol for metric, tol in load_params(params).promotion.tolerances.items()}


def _actor() -> str:
    return os.environ.get("GITHUB_ACTOR") or getpass.getuser()


@app.command("register")
def register_cli(
    alias: str | None = typer.Option(None, help="alias to point at the version, e.g. staging"),
    bundle: pathlib.Path = BundleOption,
    metrics: pathlib.Path = MetricsOption,
    reports: pathlib.Path = ReportsOption,
) -> None:
    """Register the bundle's MLflow run as a model version (MLFLOW_TRACKING_URI); print it."""
    from fraudops.gitops.release import read_metrics
    from fraudops.io.bundle import verify_bundle
    from fraudops.io.check_reports import read_check_reports
    from fraudops.io.registry import register_bundle

    registered = register_bundle(
        contract=verify_bundle(bundle),
        metrics=read_metrics(metrics)["model"],
        checks=read_check_reports(reports),
        tracking_uri=settings.tracking_uri(),
        alias=alias,
    )
    typer.echo(
        f"{registered.name} version {registered.version} "
        f"({'registered' if registered.created else 'already registered'}"
        f"{f', alias {alias}' if alias else ''})",
        err=True,
    )
    typer.echo(registered.version)


@app.command("set-alias")
def set_alias_cli(
    alias: str = typer.Option(..., help="e.g. production"),
    version: str | None = typer.Option(None, help="registry version"),
    env: str | None = typer.Option(
        None, "--env", help="take the model and version from this overlay's promotion record"
    ),
    name: str | None = typer.Option(None, help="registered model (default: from --env)"),
    deploy: pathlib.Path = DeployOption,
) -> None:
    """Point a registry alias at a version (or at what an environment runs)."""
    from fraudops.gitops.promote import read_record
    from fraudops.io.registry import set_alias

    if (version is None) == (env is None):
        raise FraudopsError("pass exactly one of --version or --env")
    if env is not None:
        record = read_record(deploy, env)
        if record is None:
            raise FraudopsError(f"{env} has no promotion record: nothing runs there yet")
        version, name = record.release.model_version, name or record.release.model_name
    if not name:
        raise FraudopsError("pass --name with --version")
    assert version is not None
    set_alias(name=name, version=version, alias=alias, tracking_uri=settings.tracking_uri())
    typer.echo(f"{name}@{alias} -> version {version}")


@app.command("gate")
def gate_cli(
    metrics: pathlib.Path = MetricsOption,
    from_env: str | None = typer.Option(
        None, "--from", help="judge what this environment runs instead of metrics.json"
    ),
    output: pathlib.Path | None = typer.Option(None, "--output", "-o", help="also write here"),
    params: pathlib.Path = ParamsOption,
    deploy: pathlib.Path = DeployOption,
) -> None:
    """Champion/challenger verdict against production, as Markdown; exit 1 when refused."""
    from fraudops.gitops.promote import gate_against_champion, read_record
    from fraudops.gitops.release import read_metrics

    if from_env:
        record = read_record(deploy, from_env)
        if record is None:
            raise FraudopsError(f"{from_env} has no promotion record: nothing to judge")
        candidate = record.release.metrics
        label = f"{from_env} ({record.release.model_name} version {record.release.model_version})"
    else:
        report = read_metrics(metrics)
        candidate, label = report["model"], f"{metrics} (bundle {report.get('model_version')})"
    verdict = gate_against_champion(
        deploy=deploy,
        metrics=candidate,
        label=label,
        tolerances=_tolerances(params),
    )
    text = verdict.markdown()
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
    typer.echo(text)
    if not verdict.passed:
        raise typer.Exit(1)


@app.command("promote")
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
    params: pathlib.Path = ParamsOption,
    bundle: pathlib.Path = BundleOption,
    metrics: pathlib.Path = MetricsOption,
    reports: pathlib.Path = ReportsOption,
    deploy: pathlib.Path = DeployOption,
) -> None:
    """Pin an image digest and model version in deploy/overlays/<env>, behind the gate."""
    from fraudops.gitops.commit import commit_message, commit_paths
    from fraudops.gitops.promote import promote, promote_from

    if allow_worse and not (reason and reason.strip()):
        raise FraudopsError("--allow-worse needs --reason '<why>': the override is recorded")
    if from_env and (image or model_version):
        raise FraudopsError("--from copies an environment; do not pass --image/--model-version")
    if not from_env and not (image and model_version):
        raise FraudopsError("pass --image <name>@sha256:<digest> and --model-version N, or --from")
    tolerances = _tolerances(params)
    now, override = dt.datetime.now(dt.UTC), reason if allow_worse else None
    if from_env:
        result = promote_from(
            deploy=deploy,
            environment=env,
            source=from_env,
            tolerances=tolerances,
            now=now,
            override_reason=override,
            actor=_actor(),
        )
    else:
        assert image is not None
        assert model_version is not None
        from fraudops.gitops.release import release_from_workspace

        release = release_from_workspace(
            bundle_dir=bundle,
            metrics_path=metrics,
            reports_dir=reports,
            image=image,
            model_version=model_version,
        )
        result = promote(
            deploy=deploy,
            environment=env,
            release=release,
            tolerances=tolerances,
            now=now,
            override_reason=override,
            actor=_actor(),
        )
    r = result.record.release
    what = f"{env}: {r.model_name} version {r.model_version} {r.image}@{r.digest}"
    typer.echo(
        f"{what} ({len(result.changed)} file(s) changed)"
        if result.changed
        else f"{what} (already promoted: nothing changed)"
    )
    if result.record.override:
        typer.echo(f"gate overridden ({', '.join(result.record.override.failed)}): recorded")
    if commit:
        sha = commit_paths(result.files, commit_message(result.record))
        typer.echo(f"committed {sha}" if sha else "nothing to commit")


@app.command("model-card")
def model_card_cli(
    env: str = typer.Option("production", "--env"),
    output: pathlib.Path | None = typer.Option(None, "--output", "-o", help="default: stdout"),
    deploy: pathlib.Path = DeployOption,
) -> None:
    """Render the model card of what an environment runs, from its promotion record."""
    from fraudops.gitops.model_card import render_model_card
    from fraudops.gitops.promote import read_record

    record = read_record(deploy, env)
    if record is None:
        raise FraudopsError(f"{env} has no promotion record: nothing runs there yet")
    text = render_model_card(record)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
        typer.echo(f"wrote {output}", err=True)
    else:
        typer.echo(text, nl=False)


@app.command("argocd-repo")
def argocd_repo_cli(
    url: str = typer.Argument(..., help="e.g. https://github.com/acme/fraud.git"),
    deploy: pathlib.Path = DeployOption,
) -> None:
    """Point deploy/argocd (Applications and AppProject) at your repository."""
    from fraudops.gitops.argocd import set_repo_url_in

    changed = set_repo_url_in(deploy / "argocd", url)
    typer.echo(f"{len(changed)} file(s) now point at {url}")
