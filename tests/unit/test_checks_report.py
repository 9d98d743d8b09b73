"""Gate verdicts and their reports (JSON for dvc metrics, Markdown for CI, HTML for people),
built from hand-made outcomes: no Deepchecks run needed."""

from __future__ import annotations

import json
import pathlib

import pytest

from fraudops.checks.html import PLOTLY_BANNER, drop_inlined_plotly, render_html
from fraudops.checks.outcome import CheckOutcome, SuiteReport
from fraudops.checks.report import summary, to_json, to_markdown, write_reports
from fraudops.checks.runner import SuiteRun


def _outcome(key: str, status: str, gate: str = "fail", **extra: object) -> CheckOutcome:
    return CheckOutcome(
        key=key, name=key.replace("_", " ").title(), status=status, gate=gate, **extra
    )  # type: ignore[arg-type]


def _report(*outcomes: CheckOutcome, not_run_fails: bool = True) -> SuiteReport:
    return SuiteReport(
        suite="data_integrity",
        title="Data integrity",
        outcomes=outcomes,
        not_run_fails=not_run_fails,
        rows={"rows": 100},
    )


DUPLICATES = _outcome(
    "data_duplicates",
    "fail",
    figure=0.25,
    threshold=0.05,
    direction="max",
    detail="Found 25% duplicate data",
)


def test_suite_report__fail_and_gating_not_run_block() -> None:
    report = _report(
        DUPLICATES,
        _outcome("feature_drift", "not_run", detail="ValueError: boom"),
        _outcome("mixed_nulls", "warn", gate="warn"),
        _outcome("label_drift", "not_run", gate="warn"),
    )
    assert not report.passed
    assert [o.key for o in report.failures] == ["data_duplicates", "feature_drift"]
    message = report.failure_message()
    assert "Data Duplicates: 0.25 (max 0.05). Found 25% duplicate data" in message
    assert "could not run: Feature Drift. ValueError: boom" in message
    assert "Mixed Nulls" not in message


def test_suite_report__not_run_may_only_warn() -> None:
    report = _report(_outcome("feature_drift", "not_run"), not_run_fails=False)
    assert report.passed


def test_to_json__per_check_figures_keyed_for_dvc() -> None:
    payload = to_json(_report(DUPLICATES, _outcome("is_single_value", "pass", figure=0.0)))
    assert payload["passed"] is False
    assert payload["counts"] == {"fail": 1, "not_run": 0, "warn": 0, "pass": 1}
    assert payload["checks"]["data_duplicates"] == {
        "name": "Data Duplicates",
        "status": "fail",
        "gate": "fail",
        "figure": 0.25,
        "threshold": 0.05,
        "direction": "max",
        "detail": "Found 25% duplicate data",
    }
    assert "detail" not in payload["checks"]["is_single_value"]


def test_to_markdown__failures_in_a_table_passes_folded() -> None:
    text = to_markdown(
        _report(DUPLICATES, _outcome("is_single_value", "pass", figure=0.0)), "r/x.html"
    )
    assert text.startswith("### ❌ Data integrity: failed (1 fail, 1 pass)")
    assert (
        "| ❌ fail | Data Duplicates | 0.25 | max 0.05 | fail | Found 25% duplicate data |" in text
    )
    assert "<details><summary>1 check(s) passed</summary>" in text
    assert "`r/x.html`" in text


def test_to_markdown__escapes_pipes_and_newlines() -> None:
    outcome = _outcome("feature_drift", "fail", detail="a | b\nc")
    assert "a \\| b c" in to_markdown(_report(outcome))


def test_drop_inlined_plotly__keeps_other_scripts() -> None:
    page = (
        "<div><script>var a = 1;</script>"
        f"<script type='text/javascript'>/**\n* {PLOTLY_BANNER}9.9\n*/ big library</script>"
        "<script>Plotly.newPlot('x')</script></div>"
    )
    assert drop_inlined_plotly(page) == (
        "<div><script>var a = 1;</script><script>Plotly.newPlot('x')</script></div>"
    )


def test_render_html__verdict_without_suite_has_no_library() -> None:
    page = render_html(SuiteRun(_report(DUPLICATES), None))
    assert "<h1>Data integrity: FAILED</h1>" in page
    assert "Found 25% duplicate data" in page
    assert PLOTLY_BANNER not in page


def test_write_reports_and_summary(tmp_path: pathlib.Path) -> None:
    paths = write_reports(SuiteRun(_report(DUPLICATES), None), tmp_path)
    assert json.loads(paths.json.read_text())["passed"] is False
    assert paths.markdown.read_text().startswith("### ❌ Data integrity")
    text = summary(tmp_path)
    assert text.startswith("## Deepchecks gates")
    assert "### ❌ Data integrity: failed" in text
    assert "train_test_validation: no report" in text
    assert text.index("Data integrity") < text.index("train_test_validation")


@pytest.mark.parametrize(
    ("figure", "threshold", "direction", "words"),
    [
        (0.123456, 0.1, "max", "0.1235 (max 0.1)"),
        (12.0, 10.0, "min", "12 (min 10)"),
        (0.0012, None, "none", "0.0012"),
        (None, 0.1, "max", "no figure"),
    ],
)
def test_check_outcome__comparison(
    figure: float | None, threshold: float | None, direction: str, words: str
) -> None:
    outcome = _outcome("x", "pass", figure=figure, threshold=threshold, direction=direction)
    assert outcome.comparison == words
