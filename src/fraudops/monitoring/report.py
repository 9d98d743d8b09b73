"""The monitoring report: its alerts, the JSON for machines and the HTML page for people.

The HTML page is small and self-contained (no scripts, no data rows): the verdict, the alerts,
the tables of drift and performance, the plots inlined as PNG, and Deepchecks' own condition
table. Deepchecks' interactive plots are left out on purpose: with the plotly release in the
lock each of them would inline its own copy of plotly.js (megabytes per plot).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import pathlib
import typing

from fraudops.config import Monitoring
from fraudops.core.contract import Contract
from fraudops.io.files import atomic_path, write_json
from fraudops.monitoring.labels import Labelled
from fraudops.monitoring.logs import LogScan, Window
from fraudops.monitoring.performance import Performance
from fraudops.monitoring.timeline import Bucket

if typing.TYPE_CHECKING:
    # Deepchecks takes seconds to import: only the job that runs the checks imports it.
    from fraudops.monitoring.drift import DriftResult

MAX_PROBLEMS_LISTED = 200


@dataclasses.dataclass(frozen=True)
class Alert:
    kind: str  # feature_drift, prediction_drift, multivariate_drift or performance_drop
    subject: str
    value: float
    threshold: float
    message: str


@dataclasses.dataclass(frozen=True)
class MonitorReport:
    window: Window
    contract: Contract
    cfg: Monitoring
    scan: LogScan
    drift: DriftResult
    labels: Labelled | None
    performance: Performance | None
    test_metrics: dict[str, float] | None
    timeline: list[Bucket]
    alerts: list[Alert]
    created_at: dt.datetime

    @property
    def threshold_crossed(self) -> bool:
        return bool(self.alerts)

    @property
    def status(self) -> str:
        return "threshold_crossed" if self.alerts else "ok"


def collect_alerts(drift: DriftResult, performance: Performance | None) -> list[Alert]:
    alerts = []
    kinds = {
        "prediction": ("prediction_drift", "prediction drift of the score"),
        "multivariate": ("multivariate_drift", "multivariate drift"),
    }
    for score in drift.scores:
        if score.crossed and score.value is not None:
            kind, what = kinds.get(score.kind, ("feature_drift", f"feature drift of {score.name}"))
            alerts.append(
                Alert(
                    kind=kind,
                    subject=score.name,
                    value=score.value,
                    threshold=score.threshold,
                    message=f"{what}: {score.method} {score.value:.3f} > {score.threshold}",
                )
            )
    for drop in performance.drops if performance else []:
        if drop.crossed:
            alerts.append(
                Alert(
                    kind="performance_drop",
                    subject=drop.metric,
                    value=drop.drop,
                    threshold=drop.max_drop,
                    message=f"{drop.metric} fell from {drop.test:.3f} (test) to "
                    f"{drop.window:.3f}: a drop of {drop.drop:.3f} > {drop.max_drop}",
                )
            )
    return alerts


def _clean(value: typing.Any) -> typing.Any:
    """JSON-safe: NaN and infinities become null (strict JSON parsers reject them)."""
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def to_json(report: MonitorReport, outputs: dict[str, str]) -> dict[str, typing.Any]:
    scan, drift, perf, labels = report.scan, report.drift, report.performance, report.labels
    problems = [*scan.malformed, *scan.invalid][:MAX_PROBLEMS_LISTED]
    body = {
        "status": report.status,
        "threshold_crossed": report.threshold_crossed,
        "alerts": [dataclasses.asdict(a) for a in report.alerts],
        "window": {
            "name": report.window.name,
            "since": report.window.since.isoformat(),
            "until": report.window.until.isoformat(),
            "bucket_hours": report.cfg.bucket_hours,
        },
        "model": {
            "name": report.contract.model_name,
            "version": report.contract.bundle_version,
            "threshold": report.contract.threshold,
        },
        "records": {
            **scan.counts(),
            "bundle_versions": scan.bundle_versions,
            "open_files_skipped": scan.open_files_skipped,
            "empty_files": scan.empty_files,
            "problems": [dataclasses.asdict(p) for p in problems],
            "problems_not_listed": len(scan.malformed) + len(scan.invalid) - len(problems),
        },
        "drift": {
            "reference_rows": drift.reference_rows,
            "window_rows_sampled": drift.window_rows,
            "scores": [{**dataclasses.asdict(s), "crossed": s.crossed} for s in drift.scores],
            "multivariate_importance": drift.importance,
        },
        "labels": None
        if labels is None
        else {
            "rows": labels.labels,
            "matched": len(labels.frame),
            "unmatched": labels.unmatched,
            "conflicting": labels.conflicting,
        },
        "performance": None
        if perf is None
        else {
            "labelled": perf.labelled,
            "positives": perf.positives,
            "judged": perf.judged,
            "note": perf.note,
            "window": perf.metrics,
            "test": report.test_metrics,
            "drops": [
                {**dataclasses.asdict(d), "drop": d.drop, "crossed": d.crossed} for d in perf.drops
            ],
        },
        "timeline": [
            {**dataclasses.asdict(b), "start": b.start.isoformat()} for b in report.timeline
        ],
        "thresholds": report.cfg.model_dump(mode="json"),
        "outputs": outputs,
        "created_at": report.created_at.isoformat(timespec="seconds"),
    }
    return typing.cast(dict[str, typing.Any], _clean(body))


def write_json_report(report: MonitorReport, path: pathlib.Path, outputs: dict[str, str]) -> None:
    write_json(path, to_json(report, outputs))


# --- HTML -----------------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 70rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
.bad { color: #b00020; font-weight: bold; } .ok { color: #1b5e20; font-weight: bold; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5rem 0; }
"""


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return html.escape(str(value))


def _table(header: list[str], rows: typing.Sequence[typing.Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _image(path: pathlib.Path, alt: str) -> str:
    if not path.is_file():
        return ""
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _verdict(report: MonitorReport) -> str:
    if not report.alerts:
        return '<p class="ok">OK: no threshold crossed.</p>'
    items = "".join(f"<li>{html.escape(a.message)}</li>" for a in report.alerts)
    return f'<p class="bad">Threshold crossed ({len(report.alerts)}):</p><ul>{items}</ul>'


def _performance_section(report: MonitorReport) -> str:
    perf = report.performance
    if perf is None:
        return "<p>No labels given (<code>--labels</code>): concept drift not measured.</p>"
    rows = [[d.metric, d.test, d.window, d.drop, d.max_drop, d.crossed] for d in perf.drops]
    table = _table(["metric", "test", "window", "drop", "max drop", "alert"], rows)
    return f"<p>{html.escape(perf.note)}.</p>{table if rows else ''}"


def write_html_report(
    report: MonitorReport,
    path: pathlib.Path,
    plots: dict[str, pathlib.Path],
    conditions: str,
) -> None:
    scan, drift, window = report.scan, report.drift, report.window
    counts = scan.counts()
    drift_rows = [[s.name, s.kind, s.method, s.value, s.threshold, s.crossed] for s in drift.scores]
    top = sorted(drift.importance.items(), key=lambda kv: -kv[1])[:5]
    bucket_rows = [
        [
            b.start.strftime("%Y-%m-%d %H:%M"),
            b.rows,
            b.flag_rate,
            b.drift.get("score") if b.drift else None,
            b.labelled,
            b.positives,
            b.metrics.get("average_precision"),
            b.metrics.get("recall"),
        ]
        for b in report.timeline
    ]
    problems = [[p.file, p.line, p.reason] for p in [*scan.malformed, *scan.invalid][:20]]
    parts = [
        f"<h1>Monitoring {html.escape(report.contract.model_name)} "
        f"{html.escape(report.contract.bundle_version)}</h1>",
        f"<p>Window {window.since:%Y-%m-%d %H:%M} to {window.until:%Y-%m-%d %H:%M} UTC; "
        f"{counts['used']} records used.</p>",
        _verdict(report),
        "<h2>Drift against the training reference</h2>",
        f"<p>Reference {drift.reference_rows} rows; window sample {drift.window_rows} rows.</p>",
        _table(["name", "kind", "method", "score", "threshold", "alert"], drift_rows),
        "<p>Features that best tell the window from the reference: "
        + ", ".join(f"{html.escape(k)} ({v:.2f})" for k, v in top if v > 0)
        + "</p>",
        _image(plots["feature_drift"], "drift per feature"),
        _image(plots["drift_over_time"], "drift over time"),
        "<h2>Performance (concept drift)</h2>",
        _performance_section(report),
        _image(plots["performance"], "performance over time"),
        "<h2>Over time</h2>",
        _table(
            ["bucket", "records", "flag rate", "score drift", "labelled", "frauds", "AP", "recall"],
            bucket_rows,
        ),
        "<h2>Records read</h2>",
        _table(["count", "value"], [[k, v] for k, v in counts.items()]),
        _table(["file", "line", "problem"], problems) if problems else "",
        "<h2>Deepchecks conditions</h2>",
        conditions,
    ]
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>Monitoring {html.escape(window.name)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )
    with atomic_path(path) as temp:
        temp.write_text(page, encoding="utf-8")
