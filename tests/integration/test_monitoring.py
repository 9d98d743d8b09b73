"""Monitoring end to end on a small trained bundle: simulated traffic written as prediction
logs, no alarm on the training distribution, an alarm for each drift scenario, bad log files
that lose nothing, the CLI's exit statuses, the Prometheus file and a Pushgateway push."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import http.server
import json
import pathlib
import shutil
import subprocess
import sys
import threading
import typing

import pytest
from prometheus_client.parser import text_string_to_metric_families

from fraudops.config import Params
from fraudops.errors import FraudopsError
from fraudops.monitoring.job import MonitorResult, monitor
from fraudops.monitoring.logs import Window
from fraudops.monitoring.reference import DATA_FILE, META_FILE, load_checked
from fraudops.monitoring.traffic import Traffic, simulate_traffic
from fraudops.scoring.engine import load_engine
from fraudops.stages.reference import reference
from tests.helpers import REPO, read_only

pytestmark = pytest.mark.slow

UNTIL = dt.date(2025, 7, 5)
DAYS = 4


@dataclasses.dataclass(frozen=True)
class Workspace:
    """What monitoring reads: the trained bundle, its reference and its metrics."""

    bundle: pathlib.Path
    reference: pathlib.Path
    metrics: pathlib.Path


WINDOW = Window(
    dt.datetime.combine(UNTIL - dt.timedelta(days=DAYS), dt.time(), tzinfo=dt.UTC),
    dt.datetime.combine(UNTIL, dt.time(), tzinfo=dt.UTC),
)


@pytest.fixture(scope="module")
def reference_dir(
    trained_workspace: pathlib.Path, small_params: Params, tmp_path_factory: pytest.TempPathFactory
) -> typing.Iterator[pathlib.Path]:
    """The monitoring reference of the trained workspace's bundle (read-only for the tests)."""
    out = tmp_path_factory.mktemp("reference")
    reference(
        params=small_params,
        train_path=trained_workspace / "data/processed/train.parquet",
        bundle_dir=trained_workspace / "models/bundle",
        out_dir=out,
    )
    with read_only(out, "the monitoring reference"):
        yield out


@pytest.fixture
def workspace(trained_workspace: pathlib.Path, reference_dir: pathlib.Path) -> Workspace:
    return Workspace(
        bundle=trained_workspace / "models/bundle",
        reference=reference_dir,
        metrics=trained_workspace / "metrics.json",
    )


def _traffic(workspace: Workspace, params: Params, folder: pathlib.Path, scenario: str) -> Traffic:
    return simulate_traffic(
        generator=params.data.generator,
        engine=load_engine(workspace.bundle),
        scenario=scenario,
        until=UNTIL,
        days=DAYS,
        rows=6000,
        log_dir=folder / "logs",
        labels_path=folder / "labels.csv",
    )


def _monitor(
    workspace: Workspace,
    params: Params,
    folder: pathlib.Path,
    window: Window = WINDOW,
    **extra: typing.Any,
) -> MonitorResult:
    return monitor(
        logs=folder / "logs",
        window=window,
        cfg=params.monitoring,
        bundle_dir=workspace.bundle,
        reference_dir=workspace.reference,
        metrics_path=workspace.metrics,
        out_dir=folder / "reports",
        **extra,
    )


def _digests(folder: pathlib.Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_monitor__training_distribution_raises_no_alarm(
    workspace: Workspace, small_params: Params, tmp_path: pathlib.Path
) -> None:
    _traffic(workspace, small_params, tmp_path, "none")
    result = _monitor(workspace, small_params, tmp_path, labels_path=tmp_path / "labels.csv")

    assert result.exit_code == 0, [a.message for a in result.report.alerts]
    report = json.loads(result.outputs["json"].read_text())
    assert report["status"] == "ok"
    assert report["records"]["used"] == 6000
    assert report["performance"]["judged"]
    assert all(not s["crossed"] for s in report["drift"]["scores"])
    assert len(report["timeline"]) == DAYS
    page = result.outputs["html"].read_text()
    assert "OK: no threshold crossed" in page
    assert "<script" not in page
    assert result.outputs["html"].stat().st_size < 1_000_000
    for name in ("feature_drift", "drift_over_time", "performance"):
        assert result.outputs[name].read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("scenario", "kind", "subject"),
    [
        ("amounts", "feature_drift", "amount"),
        ("merchants", "feature_drift", "merchant_category"),
        ("fraud-pattern", "performance_drop", "recall"),
    ],
)
def test_monitor__finds_each_drift_scenario(
    workspace: Workspace,
    small_params: Params,
    tmp_path: pathlib.Path,
    scenario: str,
    kind: str,
    subject: str,
) -> None:
    _traffic(workspace, small_params, tmp_path, scenario)
    result = _monitor(workspace, small_params, tmp_path, labels_path=tmp_path / "labels.csv")

    alerts = {(a.kind, a.subject) for a in result.report.alerts}
    assert (kind, subject) in alerts, alerts
    assert result.exit_code == 3
    if scenario == "fraud-pattern":
        # Only the labels show it: the inputs and the scores look as they did in training.
        assert {k for k, _ in alerts} == {"performance_drop"}


def test_monitor__bad_log_lines_are_reported_and_nothing_is_lost(
    workspace: Workspace, small_params: Params, tmp_path: pathlib.Path
) -> None:
    traffic = _traffic(workspace, small_params, tmp_path, "none")
    logs = tmp_path / "logs"
    good = traffic.files[0].read_text().splitlines()
    (logs / "predictions-broken.jsonl").write_text(
        "\n".join(
            [good[0].replace('"record_id":"', '"record_id":"again-'), "garbage", good[1][:50]]
        )
    )
    (logs / "predictions-empty.jsonl").write_text("")
    (logs / "predictions-now.jsonl.open").write_text(good[2][:20])
    before = _digests(logs)

    result = _monitor(workspace, small_params, tmp_path)

    assert _digests(logs) == before
    records = json.loads(result.outputs["json"].read_text())["records"]
    assert records["used"] == 6001
    assert records["malformed"] == 2
    problems = {(pathlib.Path(p["file"]).name, p["line"]) for p in records["problems"]}
    assert problems == {("predictions-broken.jsonl", 2), ("predictions-broken.jsonl", 3)}
    assert [pathlib.Path(f).name for f in records["empty_files"]] == ["predictions-empty.jsonl"]
    assert [pathlib.Path(f).name for f in records["open_files_skipped"]] == [
        "predictions-now.jsonl.open"
    ]
    assert "predictions-broken.jsonl" in result.outputs["html"].read_text()


def test_monitor__empty_or_thin_window_is_a_clear_error(
    workspace: Workspace, small_params: Params, tmp_path: pathlib.Path
) -> None:
    _traffic(workspace, small_params, tmp_path, "none")
    later = Window(WINDOW.until, WINDOW.until + dt.timedelta(days=1))
    with pytest.raises(FraudopsError, match="no usable prediction records between 2025-07-05") as e:
        _monitor(workspace, small_params, tmp_path, window=later)
    assert "outside_window 6000" in str(e.value)
    assert "records span 2025-07-01" in str(e.value)
    hour = Window(WINDOW.since, WINDOW.since + dt.timedelta(hours=1))
    with pytest.raises(FraudopsError, match=r"monitoring.min_rows"):
        _monitor(workspace, small_params, tmp_path, window=hour)
    assert not (tmp_path / "reports").exists()


def test_reference__refused_when_stale_or_modified(
    workspace: Workspace, tmp_path: pathlib.Path
) -> None:
    bundle, reference = workspace.bundle, tmp_path / "reference"
    shutil.copytree(workspace.reference, reference)
    contract, loaded = load_checked(bundle, reference)
    assert len(loaded.frame) > 100
    assert {"score", contract.label, *contract.feature_names} <= set(loaded.frame.columns)

    meta = json.loads((reference / META_FILE).read_text())
    (reference / META_FILE).write_text(json.dumps({**meta, "bundle_checksum": "other"}))
    with pytest.raises(FraudopsError, match="run `dvc repro reference`"):
        load_checked(bundle, reference)
    (reference / META_FILE).write_text(json.dumps(meta))
    (reference / DATA_FILE).write_bytes((reference / DATA_FILE).read_bytes() + b"\0")
    with pytest.raises(FraudopsError, match="fails its checksum"):
        load_checked(bundle, reference)


class _Pushgateway(http.server.ThreadingHTTPServer):
    """A stand-in Pushgateway on a free loopback port that records what it receives."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _PushgatewayHandler)
        self.received: list[tuple[str, str, bytes]] = []


class _PushgatewayHandler(http.server.BaseHTTPRequestHandler):
    server: _Pushgateway

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(("PUT", self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: typing.Any) -> None:
        """Quiet."""


def _cli(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fraudops", *args, "--params", str(REPO / "params.yaml")],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_monitor_cli__drift_exits_3_with_metrics_pushed(
    workspace: Workspace, tmp_path: pathlib.Path
) -> None:
    bundle = str(workspace.bundle)
    simulated = _cli(
        "simulate-traffic",
        "--drift",
        "amounts",
        "--rows",
        "3000",
        "--days",
        "3",
        "--until",
        "2025-07-04",
        "--logs",
        str(tmp_path / "logs"),
        "--labels-out",
        str(tmp_path / "labels.parquet"),
        "--bundle",
        bundle,
        cwd=tmp_path,
    )
    assert simulated.returncode == 0, simulated.stderr
    assert json.loads(simulated.stdout)["rows"] == 3000

    server = _Pushgateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        common = [
            "--logs",
            str(tmp_path / "logs"),
            "--bundle",
            bundle,
            "--reference",
            str(workspace.reference),
            "--metrics",
            str(workspace.metrics),
            "--out",
            str(tmp_path / "reports"),
        ]
        done = _cli(
            "monitor",
            "--since",
            "2025-07-01",
            "--until",
            "2025-07-04",
            "--labels",
            str(tmp_path / "labels.parquet"),
            "--prom-file",
            str(tmp_path / "textfile/fraudops.prom"),
            "--pushgateway",
            f"http://127.0.0.1:{server.server_address[1]}",
            *common,
            cwd=tmp_path,
        )
        empty = _cli(
            "monitor", "--since", "2026-01-01", "--window-days", "1", *common, cwd=tmp_path
        )
    finally:
        server.shutdown()
        server.server_close()

    assert done.returncode == 3, done.stderr
    assert "ALERT feature drift of amount" in done.stdout
    prom = (tmp_path / "textfile/fraudops.prom").read_text()
    assert prom == (tmp_path / "reports/2025-07-01_2025-07-04.prom").read_text()
    families = {f.name: f for f in text_string_to_metric_families(prom)}
    amount = [
        s
        for s in families["fraudops_monitoring_feature_drift_score"].samples
        if s.labels["feature"] == "amount"
    ]
    assert amount[0].value > 0.1
    assert families["fraudops_monitoring_threshold_crossed"].samples[0].value == 1
    assert [(m, p) for m, p, _ in server.received] == [
        ("PUT", "/metrics/job/fraudops_monitoring/model/card-fraud")
    ]
    assert b"fraudops_monitoring_prediction_drift_score" in server.received[0][2]

    assert empty.returncode == 1
    assert "error: no usable prediction records between 2026-01-01" in empty.stderr
    assert "Traceback" not in empty.stderr
