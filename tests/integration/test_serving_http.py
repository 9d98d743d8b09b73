"""The BentoML service over HTTP through its ASGI app (no server process): scoring, the bad
input list, the OpenAPI page, /metrics and the prediction log, on the trained model."""

from __future__ import annotations

import importlib
import pathlib
import sys
import time
import typing

import numpy as np
import pandas as pd
import pytest

from fraudops.scoring.engine import load_engine
from fraudops.scoring.prediction_log import PredictionRecord
from fraudops.serving import prometheus_metrics
from tests.serving_support import assert_bad_requests_refused, real_transactions

pytestmark = [
    pytest.mark.slow,
    # Starlette's test client (BentoML's documented way to test the ASGI app) nags about httpx.
    pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`"),
]

MAX_RECORDS = 5
MAX_BYTES = 8192
SERVICE_MODULE = "fraudops.serving.service"


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    return tmp_path_factory.mktemp("predictions")


def _imported_afresh(name: str) -> bool:
    """The modules the service fixture imports anew (and drops afterwards)."""
    return name == SERVICE_MODULE or name.split(".")[0] == "prometheus_client"


@pytest.fixture(scope="module")
def service(
    stored_model: str,
    log_dir: pathlib.Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> typing.Iterator[typing.Any]:
    """The service module, imported afresh and configured by the environment as a server
    would be; afterwards the modules and the environment are as they were."""
    settings = {
        "FRAUDOPS_MODEL_TAG": stored_model,
        "FRAUDOPS_PREDICTION_LOG_DIR": str(log_dir),
        "FRAUDOPS_MAX_RECORDS": str(MAX_RECORDS),
        "FRAUDOPS_MAX_REQUEST_BYTES": str(MAX_BYTES),
        # A BentoML worker sets PROMETHEUS_MULTIPROC_DIR before the metrics exist; so do we.
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path_factory.mktemp("prometheus")),
    }
    # The service reads its settings when it is imported, and prometheus_client reads
    # PROMETHEUS_MULTIPROC_DIR when it is imported (monitoring imports it too): both anew.
    saved = {name: module for name, module in sys.modules.items() if _imported_afresh(name)}
    with pytest.MonkeyPatch.context() as patch:
        for name in saved:
            patch.delitem(sys.modules, name)
        for name, value in settings.items():
            patch.setenv(name, value)
        prometheus_metrics._collectors.cache_clear()
        try:
            yield importlib.import_module(SERVICE_MODULE)
        finally:
            for name in [name for name in sys.modules if _imported_afresh(name)]:
                del sys.modules[name]
            prometheus_metrics._collectors.cache_clear()


@pytest.fixture(scope="module")
def client(service: typing.Any) -> typing.Iterator[typing.Any]:
    from starlette.testclient import TestClient

    with TestClient(service.FraudDetection.to_asgi()) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def records(trained_workspace: pathlib.Path) -> list[dict[str, typing.Any]]:
    return real_transactions(trained_workspace, 20)


def test_http__health_and_readiness(client: typing.Any) -> None:
    assert client.get("/livez").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_http__scores_a_list_in_order_as_the_model_does(
    client: typing.Any, records: list[dict[str, typing.Any]], trained_workspace: pathlib.Path
) -> None:
    batch = records[:MAX_RECORDS]
    response = client.post("/predict", json={"transactions": batch})
    assert response.status_code == 200
    answers = response.json()
    engine = load_engine(trained_workspace / "models/bundle")
    expected = engine.predict_proba(pd.DataFrame(batch))
    assert [a["transaction_id"] for a in answers] == [r["transaction_id"] for r in batch]
    np.testing.assert_allclose([a["fraud_probability"] for a in answers], expected)
    contract = engine.contract
    assert [a["is_fraud"] for a in answers] == [bool(s >= contract.threshold) for s in expected]
    assert {(a["model_name"], a["bundle_version"]) for a in answers} == {
        (contract.model_name, contract.bundle_version)
    }
    assert {a["request_id"] for a in answers} == {response.headers["x-request-id"]}


def test_http__scores_one_transaction_and_keeps_the_client_request_id(
    client: typing.Any, records: list[dict[str, typing.Any]]
) -> None:
    record = {k: v for k, v in records[0].items() if k != "transaction_id"}
    response = client.post(
        "/predict_one", json={"transaction": record}, headers={"X-Request-ID": "client-7"}
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["request_id"] == "client-7"
    assert answer["transaction_id"] is None
    assert 0 <= answer["fraud_probability"] <= 1


def test_http__bad_input_gets_4xx_naming_the_field(
    client: typing.Any, records: list[dict[str, typing.Any]]
) -> None:
    assert_bad_requests_refused(client, records[0], max_records=MAX_RECORDS, max_bytes=MAX_BYTES)
    assert client.get("/readyz").status_code == 200
    assert client.post("/predict", json={"transactions": records[:1]}).status_code == 200


def test_http__openapi_page_shows_the_contract(client: typing.Any) -> None:
    spec = client.get("/docs.json").json()
    assert {"/predict", "/predict_one"} <= set(spec["paths"])
    transaction = spec["components"]["schemas"]["Transaction"]
    assert "carrier_pigeon" not in transaction["properties"]["channel"]["enum"]
    assert "online" in transaction["properties"]["channel"]["enum"]
    assert "rejected" in transaction["properties"]["channel"]["description"]
    assert transaction["properties"]["amount"]["minimum"] == 0
    description = spec["paths"]["/predict"]["post"]["description"]
    assert "unknown category is rejected" in description
    body = spec["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["properties"]["transactions"]["maxItems"] == MAX_RECORDS


def test_http__metrics_count_predictions_per_bundle_version(
    client: typing.Any, records: list[dict[str, typing.Any]], service: typing.Any
) -> None:
    client.post("/predict", json={"transactions": records[:3]})
    text = client.get("/metrics").text
    version = service.CONTRACT.bundle_version
    assert f'bundle_version="{version}"' in text
    assert "fraudops_predictions_total" in text
    assert "fraudops_prediction_score_bucket" in text


def test_http__prediction_log_receives_every_scored_record(
    client: typing.Any,
    service: typing.Any,
    log_dir: pathlib.Path,
    records: list[dict[str, typing.Any]],
) -> None:
    response = client.post(
        "/predict", json={"transactions": records[:4]}, headers={"X-Request-ID": "logged-1"}
    )
    assert response.status_code == 200
    deadline = time.monotonic() + 20
    mine: list[PredictionRecord] = []
    while len(mine) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)  # the writer thread flushes after each batch it takes
        mine = [
            record
            for path in log_dir.glob("predictions-*")
            for line in path.read_text().splitlines()
            if (record := PredictionRecord.model_validate_json(line)).request_id == "logged-1"
        ]
    assert [r.record_id for r in mine] == [r["transaction_id"] for r in records[:4]]
    assert [r.score for r in mine] == [a["fraud_probability"] for a in response.json()]
    assert mine[0].features["merchant_category"] == records[0]["merchant_category"]
    assert mine[0].bundle_version == service.CONTRACT.bundle_version


def test_http__extreme_but_valid_values_are_scored(
    client: typing.Any, records: list[dict[str, typing.Any]]
) -> None:
    from fraudops.serving.schema import MAX_INTEGER

    extreme = {
        **records[0],
        "amount": 1.7e308,
        "distance_from_home_km": 5e-324,
        "card_age_days": MAX_INTEGER,
        "tx_count_24h": 0,
    }
    response = client.post("/predict", json={"transactions": [extreme]})
    assert response.status_code == 200, response.text
    assert 0 <= response.json()[0]["fraud_probability"] <= 1
