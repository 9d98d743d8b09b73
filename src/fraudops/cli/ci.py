"""CI commands: the pull-request report and its comment, and one status per Deepchecks suite."""

from __future__ import annotations

import pathlib

import typer

from fraudops import paths
from fraudops.cli import options
from fraudops.environment import load_environment
from fraudops.errors import FraudopsError

commands = typer.Typer()


@commands.command("pr-report")
def pr_report_cli(
    base: str = typer.Option("main", help="git ref to diff against"),
    reports: pathlib.Path = options.Reports,
    out: pathlib.Path = typer.Option(paths.PR_REPORT),
    plots_out: pathlib.Path = typer.Option(paths.PLOTS_DIFF),
) -> None:
    """Write the pull-request report (Markdown) from dvc diffs, checks and the gate verdict."""
    from fraudops.ci.pr_report import build_report
    from fraudops.io.files import atomic_path

    text = build_report(
        base=base,
        reports=reports,
        plots_out=plots_out,
        plots_link=load_environment().artifacts_url,
    )
    with atomic_path(out) as temp:
        temp.write_text(text)
    typer.echo(f"wrote {out}")


@commands.command("pr-comment")
def pr_comment_cli(
    body: pathlib.Path = typer.Option(paths.PR_REPORT),
    repo: str | None = typer.Option(None, help="owner/name (default: $GITHUB_REPOSITORY)"),
    pr: int | None = typer.Option(None, help="pull request number (default: $PR_NUMBER)"),
) -> None:
    """Create or update the one report comment on a pull request (GitHub API)."""
    from fraudops.ci.github import github_client, upsert_comment

    env = load_environment()
    repo, pr = repo or env.github_repository, pr or env.pr_number
    if not repo or not pr:
        raise FraudopsError("set GITHUB_REPOSITORY and PR_NUMBER (or --repo and --pr)")
    if not body.is_file():
        raise FraudopsError(f"no report at {body}: run `fraudops pr-report` first")
    with github_client() as client:
        result = upsert_comment(client, repo, pr, body.read_text())
    typer.echo(f"{result.action} comment {result.comment_id} on {repo}#{pr}")


@commands.command("check-status")
def check_status_cli(
    suite: str = typer.Argument(
        ..., help="data_integrity, train_test_validation or model_evaluation"
    ),
    reports: pathlib.Path = options.Reports,
) -> None:
    """Print one Deepchecks suite's Markdown summary; exit 1 when the gate failed or no report
    was written (one CI status check per suite)."""
    from fraudops.ci.pr_report import suite_status

    text, passed = suite_status(reports, suite)
    typer.echo(text)
    if not passed:
        raise typer.Exit(1)


@commands.command("checks-summary")
def checks_summary_cli(
    reports: pathlib.Path = options.Reports,
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
