"""`bentoml serve` for real on 127.0.0.1: BentoML's own client and plain HTTP, the bad-input
list, a bounded concurrent burst, /metrics, the prediction log after a clean stop, and
readiness that fails when the model does not load."""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import dataclasses
import pathlib
import re
import shutil
import subprocess
import sys
import typing

import httpx
import pytest

from fraudops.scoring.prediction_log import PredictionRecord
from tests.helpers import free_port, start_server, stop_process
from tests.serving_support import assert_bad_requests_refused, real_transactions

pytestmark = pytest.mark.slow

MAX_RECORDS = 5
MAX_BYTES = 8192
BURST = 200
BURST_CONCURRENCY = 16


@dataclasses.dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_dir: pathlib.Path


def _env(home: pathlib.Path, tag: str, log_dir: pathlib.Path) -> dict[str, str]:
    return {
        "BENTOML_HOME": str(home),
        "FRAUDOPS_MODEL_TAG": tag,
        "FRAUDOPS_PREDICTION_LOG_DIR": str(log_dir),
        "FRAUDOPS_MAX_RECORDS": str(MAX_RECORDS),
        "FRAUDOPS_MAX_REQUEST_BYTES": str(MAX_BYTES),
    }


@contextlib.contextmanager
def _serving(home: pathlib.Path, tag: str, folder: pathlib.Path) -> typing.Iterator[Server]:
    """`bentoml serve` of ``tag`` from ``home``, logging predictions under ``folder``."""
    port = free_port()
    command = [sys.executable, "-m", "bentoml", "serve", "fraudops.serving.service:FraudDetection"]
    process = start_server(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        f"http://127.0.0.1:{port}/readyz",
        log=folder / "server.log",
        env=_env(home, tag, folder / "predictions"),
        cwd=folder,
        timeout=180,
    )
    try:
        yield Server(f"http://127.0.0.1:{port}", process, folder / "predictions")
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def server(
    stored_model: str, bentoml_home: pathlib.Path, tmp_path_factory: pytest.TempPathFactory
) -> typing.Iterator[Server]:
    """A server for the tests that only send requests and read the answers."""
    with _serving(bentoml_home, stored_model, tmp_path_factory.mktemp("server")) as running:
        yield running


@pytest.fixture(scope="module")
def records(trained_workspace: pathlib.Path) -> list[dict[str, typing.Any]]:
    return real_transactions(trained_workspace, 50)


Answers = list[dict[str, typing.Any]]


def _burst(url: str, records: list[dict[str, typing.Any]]) -> list[tuple[int, int, Answers]]:
    """``BURST`` calls of 1 to ``MAX_RECORDS`` records, ``BURST_CONCURRENCY`` at a time: the
    status, the number of records sent and the answers of each."""

    def call(index: int) -> tuple[int, int, Answers]:
        size = 1 + index % MAX_RECORDS
        batch = [records[(index + k) % len(records)] for k in range(size)]
        response = client.post("/predict", json={"transactions": batch})
        return response.status_code, size, response.json()

    with (
        httpx.Client(base_url=url, timeout=60) as client,
        concurrent.futures.ThreadPoolExecutor(BURST_CONCURRENCY) as pool,
    ):
        return list(pool.map(call, range(BURST)))


def _sample(text: str, name: str) -> float:
    """The sum of the samples of metric ``name`` on the /metrics page (0 when absent)."""
    return sum(float(value) for value in re.findall(rf"^{name}\{{[^}}]*\}} (\S+)$", text, re.M))


def test_server__bentoml_client_scores_lists_and_single_records(
    server: Server, records: list[dict[str, typing.Any]]
) -> None:
    import bentoml

    with bentoml.SyncHTTPClient(server.url, server_ready_timeout=30) as client:
        answers = client.predict(transactions=records[:MAX_RECORDS])
        single = client.predict_one(transaction=records[0])
    assert [a["transaction_id"] for a in answers] == [r["transaction_id"] for r in records[:5]]
    assert single["fraud_probability"] == answers[0]["fraud_probability"]
    assert single["is_fraud"] == answers[0]["is_fraud"]


def test_server__bad_input_gets_4xx_and_the_server_stays_healthy(
    server: Server, records: list[dict[str, typing.Any]]
) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert_bad_requests_refused(
            client, records[0], max_records=MAX_RECORDS, max_bytes=MAX_BYTES
        )
        assert client.get("/readyz").status_code == 200
        assert client.post("/predict", json={"transactions": records[:1]}).status_code == 200


def test_server__concurrent_burst_is_answered_without_errors(
    server: Server, records: list[dict[str, typing.Any]]
) -> None:
    results = _burst(server.url, records)
    assert [status for status, _, _ in results] == [200] * BURST
    for _, size, answers in results:
        assert len(answers) == size
        assert len({a["request_id"] for a in answers}) == 1  # merged, yet kept apart


def test_server__metrics_show_predictions_and_batching(
    server: Server, records: list[dict[str, typing.Any]]
) -> None:
    names = (
        "fraudops_predictions_total",
        "bentoml_service_adaptive_batch_size_count",
        "bentoml_service_adaptive_batch_size_sum",
    )
    before = httpx.get(f"{server.url}/metrics", timeout=30).text
    results = _burst(server.url, records)
    assert [status for status, _, _ in results] == [200] * BURST
    text = httpx.get(f"{server.url}/metrics", timeout=30).text
    predictions, batches, merged = (_sample(text, n) - _sample(before, n) for n in names)
    assert predictions == sum(size for _, size, _ in results)
    assert re.search(r'fraudops_prediction_score_count\{[^}]*bundle_version="\d+"', text)
    assert "bentoml_service_request_total" in text
    assert batches > 0
    assert merged > batches  # some calls merged requests


def test_server__clean_stop_leaves_every_record_in_complete_log_files(
    stored_model: str,
    bentoml_home: pathlib.Path,
    records: list[dict[str, typing.Any]],
    tmp_path: pathlib.Path,
) -> None:
    with _serving(bentoml_home, stored_model, tmp_path) as own:
        results = _burst(own.url, records)
        assert [status for status, _, _ in results] == [200] * BURST
        stop_process(own.process)
        assert own.process.returncode is not None
    scored = collections.Counter(a["request_id"] for _, _, answers in results for a in answers)
    assert not list(own.log_dir.glob("*.open"))
    logged: collections.Counter[str] = collections.Counter()
    for path in own.log_dir.glob("predictions-*.jsonl"):
        for line in path.read_text().splitlines():
            logged[PredictionRecord.model_validate_json(line).request_id] += 1
    assert logged == scored


def test_server__readiness_fails_when_the_model_does_not_load(
    stored_model: str,
    bentoml_home: pathlib.Path,
    records: list[dict[str, typing.Any]],
    tmp_path: pathlib.Path,
) -> None:
    # A store of its own holding a copy of the model whose pipeline no longer matches its
    # checksum: the session's store stays as it was.
    home = tmp_path / "bentoml"
    shutil.copytree(bentoml_home / "models", home / "models")
    name, version = stored_model.split(":")
    pipeline = home / "models" / name / version / "pipeline.joblib"
    pipeline.write_bytes(pipeline.read_bytes() + b"\0")
    port = free_port()
    process = start_server(
        [sys.executable, "-m", "fraudops", "serve", "--tag", stored_model, "--port", str(port)],
        f"http://127.0.0.1:{port}/livez",
        log=tmp_path / "server.log",
        env=_env(home, stored_model, tmp_path / "predictions"),
        cwd=tmp_path,
        timeout=180,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            assert client.get("/livez").status_code == 200
            assert client.get("/readyz").status_code == 503
            response = client.post("/predict", json={"transactions": records[:2]})
            assert response.status_code == 503
            assert "model not loaded" in response.json()["error"]
            assert "checksum" in response.json()["error"]
            assert client.post("/predict_one", content=b"{}").status_code == 422
    finally:
        stop_process(process)
