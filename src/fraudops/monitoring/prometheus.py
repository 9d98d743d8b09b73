"""The drift scores as Prometheus metrics: a text-format file, and optionally a Pushgateway.

The file suits node-exporter's textfile collector (written atomically, as the collector
expects); point ``--prom-file`` at the collector's folder so that each run replaces the
previous figures. Series carry the model's name and version, not the window, so an alert rule
such as ``fraudops_monitoring_threshold_crossed == 1`` follows one series over time.
"""

from __future__ import annotations

import logging
import pathlib
import urllib.error

from prometheus_client import CollectorRegistry, Gauge, push_to_gateway, write_to_textfile

from fraudops.monitoring.report import MonitorReport

log = logging.getLogger(__name__)

JOB = "fraudops_monitoring"
BASE = ("model", "version")


def build_registry(report: MonitorReport) -> CollectorRegistry:
    registry = CollectorRegistry()
    model = {"model": report.contract.model_name, "version": report.contract.bundle_version}

    def gauge(name: str, text: str, *extra: str) -> Gauge:
        return Gauge(f"fraudops_monitoring_{name}", text, [*BASE, *extra], registry=registry)

    feature = gauge("feature_drift_score", "Deepchecks drift score per feature", "feature")
    threshold = gauge("drift_threshold", "Alert threshold of each drift score", "check")
    for score in report.drift.features:
        if score.value is not None:
            feature.labels(**model, feature=score.name).set(score.value)
    for score in (report.drift.prediction, report.drift.multivariate):
        if score.value is not None:
            gauge(f"{score.kind}_drift_score", f"Deepchecks {score.kind} drift score").labels(
                **model
            ).set(score.value)
    thresholds = report.cfg.drift.model_dump()
    for check, value in thresholds.items():
        threshold.labels(**model, check=check).set(value)
    records = gauge("records", "Log lines of the window by outcome", "outcome")
    for outcome, count in report.scan.counts().items():
        records.labels(**model, outcome=outcome).set(count)
    if report.performance is not None:
        current = gauge("performance", "Metric on labelled records of the window", "metric")
        drop = gauge("performance_drop", "Test figure minus window figure", "metric")
        for name, value in report.performance.metrics.items():
            if value == value:  # NaN (one class only) is left out
                current.labels(**model, metric=name).set(value)
        for item in report.performance.drops:
            drop.labels(**model, metric=item.metric).set(item.drop)
        gauge("labelled_records", "Records of the window with a label").labels(**model).set(
            report.performance.labelled
        )
    gauge("alerts", "Thresholds crossed in the window").labels(**model).set(len(report.alerts))
    gauge("threshold_crossed", "1 when any threshold was crossed").labels(**model).set(
        int(report.threshold_crossed)
    )
    gauge("window_end_timestamp_seconds", "End of the monitored window").labels(**model).set(
        report.window.until.timestamp()
    )
    gauge("last_run_timestamp_seconds", "When monitoring ran").labels(**model).set(
        report.created_at.timestamp()
    )
    return registry


def write_prometheus(registry: CollectorRegistry, *paths: pathlib.Path) -> None:
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_to_textfile(str(path), registry)


def push(registry: CollectorRegistry, gateway: str, model_name: str) -> bool:
    """Push to a Pushgateway; a failure is logged, not raised (the report is already written
    and the exit status must still say whether drift was found)."""
    try:
        push_to_gateway(gateway, job=JOB, registry=registry, grouping_key={"model": model_name})
    except (OSError, urllib.error.URLError) as error:
        log.error("could not push metrics to %s: %s", gateway, error)
        return False
    log.info("metrics pushed to %s (job %s)", gateway, JOB)
    return True
