"""monitor: read a window of prediction logs, measure drift, write the reports, say if a
threshold was crossed.

Exit status (``fraudops monitor``): 0 when no threshold is crossed, 3 when one is (the reports
are written either way; scheduled workflows open a retraining pull request on 3), 1 when the
job cannot give a verdict (no bundle or reference, no records in the window, too few records,
a bad labels file).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import pathlib

import pandas as pd

from fraudops.config import Monitoring
from fraudops.core.contract import Contract
from fraudops.errors import FraudopsError
from fraudops.monitoring import plots, prometheus
from fraudops.monitoring.labels import Labelled, join_labels, read_labels
from fraudops.monitoring.logs import Window, read_logs
from fraudops.monitoring.performance import Performance, window_performance
from fraudops.monitoring.reference import load_checked
from fraudops.monitoring.report import (
    MonitorReport,
    collect_alerts,
    write_html_report,
    write_json_report,
)
from fraudops.monitoring.timeline import timeline

log = logging.getLogger(__name__)

OK, THRESHOLD_CROSSED = 0, 3


@dataclasses.dataclass(frozen=True)
class MonitorResult:
    report: MonitorReport
    outputs: dict[str, pathlib.Path]
    pushed: bool | None  # None when no Pushgateway was given

    @property
    def exit_code(self) -> int:
        return THRESHOLD_CROSSED if self.report.threshold_crossed else OK


def parse_time(text: str, option: str) -> dt.datetime:
    """An ISO date or date-time; without a zone it is taken as UTC."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise FraudopsError(
            f"{option} {text!r}: use an ISO date or date-time, e.g. 2025-07-01 or "
            "2025-07-01T06:00:00Z"
        ) from None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def resolve_window(
    since: dt.datetime | None, until: dt.datetime | None, days: int, now: dt.datetime
) -> Window:
    """``[since, until)``; by default the ``days`` whole UTC days before today."""
    today = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    end = until or (since + dt.timedelta(days=days) if since else today)
    start = since or end - dt.timedelta(days=days)
    if start >= end:
        raise FraudopsError(f"the window is empty: --since {start} is not before --until {end}")
    return Window(since=start, until=end)


def read_test_metrics(path: pathlib.Path, contract: Contract) -> dict[str, float]:
    """The ``model`` section of ``metrics.json``, for the same model version as the bundle."""
    if not path.is_file():
        raise FraudopsError(f"{path} not found: labels need the model's test metrics (dvc repro)")
    body = json.loads(path.read_text())
    version = body.get("bundle_version")
    if version is not None and version != contract.bundle_version:
        raise FraudopsError(
            f"{path} holds test metrics of model version {version}, but the bundle is "
            f"{contract.bundle_version}: run `dvc repro evaluate`"
        )
    return {str(k): float(v) for k, v in body["model"].items()}


def _labelled(
    labels_path: pathlib.Path | None,
    metrics_path: pathlib.Path,
    records: pd.DataFrame,
    contract: Contract,
    cfg: Monitoring,
) -> tuple[Labelled | None, Performance | None, dict[str, float] | None]:
    if labels_path is None:
        return None, None, None
    test_metrics = read_test_metrics(metrics_path, contract)
    labelled = join_labels(records, read_labels(labels_path, contract))
    perf = window_performance(labelled.frame, contract, test_metrics, cfg.performance)
    log.info(
        "labels: %d of %d records labelled (%d frauds); %d label(s) match no record",
        len(labelled.frame),
        len(records),
        perf.positives,
        labelled.unmatched,
    )
    return labelled, perf, test_metrics


def monitor(
    *,
    logs: pathlib.Path,
    window: Window,
    cfg: Monitoring,
    bundle_dir: pathlib.Path,
    reference_dir: pathlib.Path,
    metrics_path: pathlib.Path,
    out_dir: pathlib.Path,
    labels_path: pathlib.Path | None = None,
    include_open: bool = False,
    prom_file: pathlib.Path | None = None,
    pushgateway: str | None = None,
) -> MonitorResult:
    contract, reference = load_checked(bundle_dir, reference_dir)
    scan = read_logs(logs, window, contract, include_open=include_open)
    records = scan.frame
    where = f"between {window.since:%Y-%m-%d %H:%M} and {window.until:%Y-%m-%d %H:%M} UTC"
    if records.empty:
        raise FraudopsError(f"no usable prediction records {where} in {logs} ({scan.describe()})")
    if len(records) < cfg.min_rows:
        raise FraudopsError(
            f"only {len(records)} usable prediction records {where} in {logs}; drift is judged "
            f"from {cfg.min_rows} (monitoring.min_rows): widen the window ({scan.describe()})"
        )
    others = {v: n for v, n in scan.bundle_versions.items() if v != contract.bundle_version}
    if others:
        log.warning(
            "records from other model versions than the bundle's %s: %s",
            contract.bundle_version,
            others,
        )
    labelled, performance, test_metrics = _labelled(
        labels_path, metrics_path, records, contract, cfg
    )
    log.info(
        "drift of %d records %s against %d reference rows",
        len(records),
        where,
        len(reference.frame),
    )
    # Imported here so that a user error above is reported at once, not after Deepchecks
    # (seconds to import) has loaded.
    from fraudops.monitoring.drift import DriftChecks, conditions_html

    checks = DriftChecks(reference.frame, contract, cfg)
    drift = checks.window(records)
    buckets = timeline(window, records, labelled.frame if labelled else None, checks, contract, cfg)
    report = MonitorReport(
        window=window,
        contract=contract,
        cfg=cfg,
        scan=scan,
        drift=drift,
        labels=labelled,
        performance=performance,
        test_metrics=test_metrics,
        timeline=buckets,
        alerts=collect_alerts(drift, performance),
        created_at=dt.datetime.now(dt.UTC),
    )
    outputs = _write(report, out_dir, prom_file, conditions_html(drift.suite))
    pushed = None
    if pushgateway:
        registry = prometheus.build_registry(report)
        pushed = prometheus.push(registry, pushgateway, contract.model_name)
    log.log(
        logging.WARNING if report.alerts else logging.INFO,
        "%s: %s, %d threshold(s) crossed; report %s",
        window.name,
        report.status,
        len(report.alerts),
        outputs["html"],
    )
    return MonitorResult(report=report, outputs=outputs, pushed=pushed)


def _write(
    report: MonitorReport,
    out_dir: pathlib.Path,
    prom_file: pathlib.Path | None,
    conditions: str,
) -> dict[str, pathlib.Path]:
    name = report.window.name
    pictures = {
        "feature_drift": out_dir / f"{name}-feature-drift.png",
        "drift_over_time": out_dir / f"{name}-drift-over-time.png",
        "performance": out_dir / f"{name}-performance.png",
    }
    plots.feature_drift_plot(report.drift.scores, pictures["feature_drift"])
    plots.drift_over_time_plot(report.timeline, report.drift.scores, pictures["drift_over_time"])
    plots.performance_plot(report.timeline, report.test_metrics, pictures["performance"])
    outputs = {
        "json": out_dir / f"{name}.json",
        "html": out_dir / f"{name}.html",
        "prometheus": out_dir / f"{name}.prom",
        **pictures,
    }
    registry = prometheus.build_registry(report)
    prometheus.write_prometheus(
        registry, outputs["prometheus"], *([prom_file] if prom_file else [])
    )
    write_html_report(report, outputs["html"], pictures, conditions)
    write_json_report(report, outputs["json"], {k: str(v) for k, v in outputs.items()})
    return outputs
