"""`bentoml serve` for real on 127.0.0.1: BentoML's own client and plain HTTP, the bad-input
list, a bounded concurrent burst, /metrics, the prediction log after a clean stop, and
readiness that fails when the model does not load."""

from __future__ import annotations

import concurrent.futures
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
from tests.serving_support import (  # noqa: F401 - fixtures
    assert_bad_requests_refused,
    bentoml_home,
    real_transactions,
    stored_model,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MAX_RECORDS = 5
MAX_BYTES = 8192
BURST = 200
BURST_CONCURRENCY = 16


@dataclasses.dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_dir: pathlib.Path
    scored: dict[str, int]  # request id -> records scored


def _env(home: pathlib.Path, tag: str, log_dir: pathlib.Path) -> dict[str, str]:
    return {
        "BENTOML_HOME": str(home),
        "FRAUDOPS_MODEL_TAG": tag,
        "FRAUDOPS_PREDICTION_LOG_DIR": str(log_dir),
        "FRAUDOPS_MAX_RECORDS": str(MAX_RECORDS),
        "FRAUDOPS_MAX_REQUEST_BYTES": str(MAX_BYTES),
    }


@pytest.fixture(scope="module")
def server(
    stored_model: str,  # noqa: F811
    bentoml_home: pathlib.Path,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> typing.Iterator[Server]:
    folder = tmp_path_factory.mktemp("server")
    port = free_port()
    command = [sys.executable, "-m", "bentoml", "serve", "fraudops.serving.service:FraudDetection"]
    process = start_server(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        f"http://127.0.0.1:{port}/readyz",
        log=folder / "server.log",
        env=_env(bentoml_home, stored_model, folder / "predictions"),
        cwd=folder,
        timeout=180,
    )
    try:
        yield Server(f"http://127.0.0.1:{port}", process, folder / "predictions", {})
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def records(trained_workspace: pathlib.Path) -> list[dict[str, typing.Any]]:
    return real_transactions(trained_workspace, 50)


def _remember(server: Server, answers: list[dict[str, typing.Any]]) -> None:
    for answer in answers:
        server.scored[answer["request_id"]] = server.scored.get(answer["request_id"], 0) + 1


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
    _remember(server, [*answers, single])


def test_server__bad_input_gets_4xx_and_the_server_stays_healthy(
    server: Server, records: list[dict[str, typing.Any]]
) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert_bad_requests_refused(
            client, records[0], max_records=MAX_RECORDS, max_bytes=MAX_BYTES
        )
        assert client.get("/readyz").status_code == 200
        answer = client.post("/predict", json={"transactions": records[:1]})
        assert answer.status_code == 200
        _remember(server, answer.json())


def test_server__concurrent_burst_is_answered_without_errors(
    server: Server, records: list[dict[str, typing.Any]]
) -> None:
    def call(index: int) -> tuple[int, int, list[dict[str, typing.Any]]]:
        size = 1 + index % MAX_RECORDS
        batch = [records[(index + k) % len(records)] for k in range(size)]
        response = client.post("/predict", json={"transactions": batch})
        return response.status_code, size, response.json()

    with (
        httpx.Client(base_url=server.url, timeout=60) as client,
        concurrent.futures.ThreadPoolExecutor(BURST_CONCURRENCY) as pool,
    ):
        results = list(pool.map(call, range(BURST)))
    assert [status for status, _, _ in results] == [200] * BURST
    for _, size, answers in results:
        assert len(answers) == size
        assert len({a["request_id"] for a in answers}) == 1  # merged, yet kept apart
        _remember(server, answers)


def test_server__metrics_show_predictions_and_batching(server: Server) -> None:
    text = httpx.get(f"{server.url}/metrics", timeout=30).text
    counted = sum(
        float(value)
        for value in re.findall(r"^fraudops_predictions_total\{[^}]*\} (\S+)$", text, re.M)
    )
    assert counted == sum(server.scored.values())
    assert re.search(r'fraudops_prediction_score_count\{[^}]*bundle_version="\d+"', text)
    assert "bentoml_service_request_total" in text
    batches = re.search(r"^bentoml_service_adaptive_batch_size_count\{[^}]*\} (\S+)$", text, re.M)
    merged = re.search(r"^bentoml_service_adaptive_batch_size_sum\{[^}]*\} (\S+)$", text, re.M)
    assert batches is not None
    assert merged is not None
    assert float(merged.group(1)) > float(batches.group(1))  # some calls merged requests


def test_server__clean_stop_leaves_every_record_in_complete_log_files(server: Server) -> None:
    stop_process(server.process)
    assert server.process.returncode is not None
    assert not list(server.log_dir.glob("*.open"))
    logged: dict[str, int] = {}
    for path in server.log_dir.glob("predictions-*.jsonl"):
        for line in path.read_text().splitlines():
            record = PredictionRecord.model_validate_json(line)
            logged[record.request_id] = logged.get(record.request_id, 0) + 1
    assert logged == server.scored


def test_server__readiness_fails_when_the_model_does_not_load(
    stored_model: str,  # noqa: F811
    bentoml_home: pathlib.Path,  # noqa: F811
    records: list[dict[str, typing.Any]],
    tmp_path: pathlib.Path,
) -> None:
    import bentoml

    good = bentoml.models.get(stored_model)
    tag = f"{good.tag.name}:broken"
    with bentoml.models.create(tag) as broken:
        shutil.copytree(good.path, broken.path, dirs_exist_ok=True)
        pipeline = pathlib.Path(broken.path) / "pipeline.joblib"
        pipeline.write_bytes(pipeline.read_bytes() + b"\0")
    port = free_port()
    process = start_server(
        [sys.executable, "-m", "fraudops", "serve", "--tag", tag, "--port", str(port)],
        f"http://127.0.0.1:{port}/livez",
        log=tmp_path / "server.log",
        env=_env(bentoml_home, tag, tmp_path / "predictions"),
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
