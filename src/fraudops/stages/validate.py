"""validate_data, validate_split, validate_model: the Deepchecks gates after ingest, split and
train. Each writes its reports, then stops the line (non-zero exit through ``GateFailed``) when a
gating check fails. They only read the earlier outputs, so a failed gate leaves them, and the
previous model, as they were."""

from __future__ import annotations

import logging
import pathlib

from fraudops.checks.outcome import SuiteReport
from fraudops.checks.report import ReportPaths, write_reports
from fraudops.checks.runner import SuiteRun
from fraudops.config import Params
from fraudops.errors import FraudopsError
from fraudops.io.bundle import load_bundle
from fraudops.io.datasets import read_parquet

log = logging.getLogger(__name__)


class GateFailed(FraudopsError):
    """A gating check failed: the message names each one with its figure and threshold."""

    def __init__(self, report: SuiteReport, paths: ReportPaths) -> None:
        super().__init__(
            f"{report.failure_message()}\nreport: {paths.html} (summary {paths.markdown})"
        )
        self.report = report


def _conclude(run: SuiteRun, reports: pathlib.Path) -> SuiteReport:
    report = run.report
    paths = write_reports(run, reports)
    for outcome in report.ordered():
        if outcome.status != "pass":
            log.warning(
                "%s: %s %s %s", outcome.name, outcome.status, outcome.comparison, outcome.detail
            )
    log.info(
        "%s: %d passed, %d warned, %d failed, %d not run in %.1f s; reports in %s",
        report.title,
        report.count("pass"),
        report.count("warn"),
        report.count("fail"),
        report.count("not_run"),
        report.seconds,
        reports,
    )
    if not report.passed:
        raise GateFailed(report, paths)
    return report


def validate_data(*, params: Params, raw: pathlib.Path, reports: pathlib.Path) -> SuiteReport:
    from fraudops.checks.data_integrity import run_data_integrity

    frame = read_parquet(raw)
    return _conclude(run_data_integrity(frame, params.data.columns, params.checks), reports)


def validate_split(
    *, params: Params, train_path: pathlib.Path, test_path: pathlib.Path, reports: pathlib.Path
) -> SuiteReport:
    from fraudops.checks.train_test import run_train_test

    train, test = read_parquet(train_path), read_parquet(test_path)
    return _conclude(run_train_test(train, test, params.data.columns, params.checks), reports)


def validate_model(
    *,
    params: Params,
    bundle_dir: pathlib.Path,
    train_path: pathlib.Path,
    test_path: pathlib.Path,
    reports: pathlib.Path,
) -> SuiteReport:
    """The roles of the columns and the threshold come from the bundle's contract."""
    from fraudops.checks.model_evaluation import run_model_evaluation

    bundle = load_bundle(bundle_dir)
    train, test = read_parquet(train_path), read_parquet(test_path)
    run = run_model_evaluation(bundle.pipeline, bundle.contract, train, test, params.checks)
    return _conclude(run, reports)
