"""The pull-request report: params, metrics and plots diff against the base branch, the
Deepchecks summaries and the champion/challenger verdict, as one Markdown document."""

from __future__ import annotations

import json
import pathlib
import subprocess

from fraudops.ci.github import MARKER
from fraudops.errors import FraudopsError

SUITES = ("data_integrity", "train_test_validation", "model_evaluation")


def compose(
    *,
    params_diff: str,
    metrics_diff: str,
    checks: list[str],
    verdict: str | None,
    plots_link: str | None,
) -> str:
    """Pure: the Markdown comment from its parts (empty parts say so)."""
    lines = [MARKER, "## fraudops: model report", ""]
    if verdict and verdict.lstrip().startswith("#"):
        lines += [verdict.strip(), ""]  # the gate's report carries its own heading
    else:
        lines += [
            "### Champion/challenger",
            "",
            verdict.strip() if verdict else "_No verdict: the gate did not run._",
            "",
        ]
    lines += [
        "### Metrics diff against the base branch",
        "",
        metrics_diff.strip() or "_No metric changed._",
        "",
    ]
    lines += ["### Params diff", "", params_diff.strip() or "_No param changed._", ""]
    lines += ["### Deepchecks", ""]
    lines += [c.strip() for c in checks] if checks else ["_No Deepchecks report was written._"]
    lines += ["", "### Plots", ""]
    lines.append(
        f"The plots diff (ROC, precision-recall, calibration, cost, confusion) is in "
        f"the `reports` artifact of [this run]({plots_link})."
        if plots_link
        else "Render the plots diff with `dvc plots diff main`."
    )
    return "\n".join(lines) + "\n"


def _dvc(*args: str) -> str:
    result = subprocess.run(["dvc", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return f"_`dvc {' '.join(args)}` failed: {result.stderr.strip()[:300]}_"
    return result.stdout


def build_report(
    *, base: str, reports: pathlib.Path, plots_out: pathlib.Path, plots_link: str | None
) -> str:
    """Run the dvc diffs against ``base`` and read the reports the pipeline left."""
    _dvc("plots", "diff", base, "-o", str(plots_out))
    checks = [
        (reports / f"{suite}.md").read_text()
        for suite in SUITES
        if (reports / f"{suite}.md").is_file()
    ]
    gate = reports / "gate.md"
    return compose(
        params_diff=_dvc("params", "diff", base, "--md"),
        metrics_diff=_dvc("metrics", "diff", base, "--md"),
        checks=checks,
        verdict=gate.read_text() if gate.is_file() else None,
        plots_link=plots_link,
    )


def suite_status(reports: pathlib.Path, suite: str) -> tuple[str, bool]:
    """A suite's Markdown summary and whether its gate passed; a missing report fails (the
    stage did not run, e.g. an earlier gate stopped the line)."""
    if suite not in SUITES:
        raise FraudopsError(f"unknown suite {suite!r}; choose one of {', '.join(SUITES)}")
    summary, verdict = reports / f"{suite}.md", reports / f"{suite}.json"
    if not verdict.is_file():
        return f"### {suite}: not run (no {verdict}; an earlier stage failed)", False
    passed = bool(json.loads(verdict.read_text()).get("passed"))
    return (
        summary.read_text()
        if summary.is_file()
        else f"### {suite}: {'passed' if passed else 'failed'}"
    ), passed
