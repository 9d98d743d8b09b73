"""The reports a gate writes: JSON for machines (``dvc metrics diff`` shows its figures),
Markdown for a CI job summary or a pull-request comment, HTML for people (html.py)."""

from __future__ import annotations

import dataclasses
import pathlib
import typing

from fraudops.checks.html import render_html
from fraudops.checks.outcome import STATUSES, CheckOutcome, SuiteReport, format_number
from fraudops.checks.runner import SuiteRun
from fraudops.io.files import atomic_path, write_json

ICONS = {"pass": "✅", "warn": "⚠️", "fail": "❌", "not_run": "⛔"}
SUITES = ("data_integrity", "train_test_validation", "model_evaluation")


@dataclasses.dataclass(frozen=True)
class ReportPaths:
    json: pathlib.Path
    markdown: pathlib.Path
    html: pathlib.Path


def report_paths(directory: pathlib.Path, suite: str) -> ReportPaths:
    return ReportPaths(
        json=directory / f"{suite}.json",
        markdown=directory / f"{suite}.md",
        html=directory / f"{suite}.html",
    )


def status_word(status: str) -> str:
    return status.replace("_", " ")


def to_json(report: SuiteReport) -> dict[str, typing.Any]:
    """Per check: name, status, gate, figure, threshold (and why, when it did not pass).
    Keyed by check so that ``dvc metrics diff`` lines the same check up across commits."""
    checks: dict[str, typing.Any] = {}
    for outcome in report.outcomes:
        entry: dict[str, typing.Any] = {
            "name": outcome.name,
            "status": outcome.status,
            "gate": outcome.gate,
            "figure": outcome.figure,
            "threshold": outcome.threshold,
            "direction": outcome.direction,
        }
        if outcome.status != "pass":
            entry["detail"] = outcome.detail
        checks[outcome.key] = entry
    return {
        "suite": report.suite,
        "passed": report.passed,
        "counts": {status: report.count(status) for status in STATUSES},
        "rows": report.rows,
        "checks": checks,
    }


def _cell(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _threshold(outcome: CheckOutcome) -> str:
    if outcome.threshold is None or outcome.direction == "none":
        return ""
    return f"{outcome.direction} {format_number(outcome.threshold)}"


def _figure(outcome: CheckOutcome) -> str:
    return "" if outcome.figure is None else format_number(outcome.figure)


def to_markdown(report: SuiteReport, html_name: str = "") -> str:
    """A short summary: the verdict, the checks that did not pass, the passes folded away."""
    verdict = "passed" if report.passed else "failed"
    icon = ICONS["pass"] if report.passed else ICONS["fail"]
    counts = ", ".join(f"{report.count(s)} {status_word(s)}" for s in STATUSES if report.count(s))
    lines = [f"### {icon} {report.title}: {verdict} ({counts})", ""]
    ordered = report.ordered()
    shown = [o for o in ordered if o.status != "pass"]
    passed = [o for o in ordered if o.status == "pass"]
    if shown:
        lines += ["| | Check | Figure | Threshold | Gate | Detail |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {ICONS[o.status]} {status_word(o.status)} | {o.name} | {_figure(o)} "
            f"| {_threshold(o)} | {o.gate} | {_cell(o.detail)} |"
            for o in shown
        ]
        lines.append("")
    if passed:
        lines += [
            f"<details><summary>{len(passed)} check(s) passed</summary>",
            "",
            "| Check | Figure | Threshold | Gate |",
            "|---|---|---|---|",
        ]
        lines += [f"| {o.name} | {_figure(o)} | {_threshold(o)} | {o.gate} |" for o in passed]
        lines += ["", "</details>", ""]
    rows = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.rows.items())
    where = f"; full report with plots: `{html_name}`" if html_name else ""
    lines.append(f"<sub>{rows}; {report.seconds:.1f} s{where}</sub>")
    return "\n".join(lines) + "\n"


def write_reports(run: SuiteRun, directory: pathlib.Path) -> ReportPaths:
    """Write the JSON, Markdown and HTML reports of one gate, each atomically."""
    paths = report_paths(directory, run.report.suite)
    write_json(paths.json, to_json(run.report))
    for path, text in (
        (paths.markdown, to_markdown(run.report, str(paths.html))),
        (paths.html, render_html(run)),
    ):
        with atomic_path(path) as temp:
            temp.write_text(text, encoding="utf-8")
    return paths


def summary(directory: pathlib.Path) -> str:
    """The Markdown summaries of the three gates, in pipeline order (for a CI job summary)."""
    parts = ["## Deepchecks gates", ""]
    for suite in SUITES:
        path = report_paths(directory, suite).markdown
        if path.is_file():
            parts.append(path.read_text(encoding="utf-8"))
        else:
            parts.append(f"### {ICONS['not_run']} {suite}: no report ({path} not found)\n")
    return "\n".join(parts)
