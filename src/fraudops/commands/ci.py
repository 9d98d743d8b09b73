"""CI commands: the pull-request report and its comment."""

from __future__ import annotations

import os
import pathlib

import typer

from fraudops import paths
from fraudops.cli import app
from fraudops.errors import FraudopsError


@app.command("pr-report")
def pr_report_cli(
    base: str = typer.Option("main", help="git ref to diff against"),
    reports: pathlib.Path = typer.Option(paths.REPORTS),
    out: pathlib.Path = typer.Option(paths.REPORTS / "pr-report.md"),
    plots_out: pathlib.Path = typer.Option(pathlib.Path("plots-diff")),
) -> None:
    """Write the pull-request report (Markdown) from dvc diffs, checks and the gate verdict."""
    from fraudops.ci.pr_report import build_report

    text = build_report(
        base=base, reports=reports, plots_out=plots_out, plots_link=os.environ.get("ARTIFACTS_URL")
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(f"wrote {out}")


@app.command("pr-comment")
def pr_comment_cli(
    body: pathlib.Path = typer.Option(paths.REPORTS / "pr-report.md"),
    repo: str = typer.Option(None, envvar="GITHUB_REPOSITORY"),
    pr: int = typer.Option(None, envvar="PR_NUMBER"),
) -> None:
    """Create or update the one report comment on a pull request (GitHub API)."""
    from fraudops.ci.github import github_client, upsert_comment

    if not repo or not pr:
        raise FraudopsError("set GITHUB_REPOSITORY and PR_NUMBER (or --repo and --pr)")
    if not body.is_file():
        raise FraudopsError(f"no report at {body}: run `fraudops pr-report` first")
    with github_client() as client:
        result = upsert_comment(client, repo, pr, body.read_text())
    typer.echo(f"{result.action} comment {result.comment_id} on {repo}#{pr}")


@app.command("check-status")
def check_status_cli(
    suite: str = typer.Argument(
        ..., help="data_integrity, train_test_validation or model_evaluation"
    ),
    reports: pathlib.Path = typer.Option(paths.REPORTS),
) -> None:
    """Print one Deepchecks suite's Markdown summary; exit 1 when the gate failed or no report
    was written (one CI status check per suite)."""
    from fraudops.ci.pr_report import suite_status

    text, passed = suite_status(reports, suite)
    typer.echo(text)
    if not passed:
        raise typer.Exit(1)
