"""Shared pieces of the serving tests: a small contract and engine for unit tests, request
records from the trained workspace, and the list of bad requests the service must refuse.
(The BentoML home and the stored model are session fixtures in tests/conftest.py.)"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import typing

import numpy as np
import pandas as pd

from fraudops.core.contract import Contract, Feature


def make_contract(**overrides: typing.Any) -> Contract:
    """A contract with two numeric and two categorical features."""
    values: dict[str, typing.Any] = {
        "model_name": "card-fraud",
        "bundle_version": "20250101000000",
        "classifier": "hist_gradient_boosting",
        "id_column": "transaction_id",
        "timestamp_column": "timestamp",
        "label": "is_fraud",
        "features": [
            Feature(
                name="amount",
                kind="numeric",
                dtype="float",
                minimum=1.0,
                maximum=5000.0,
                lower_bound=0.0,
            ),
            Feature(
                name="tx_count_1h",
                kind="numeric",
                dtype="int",
                minimum=0,
                maximum=12,
                lower_bound=0.0,
            ),
            Feature(
                name="channel",
                kind="categorical",
                dtype="string",
                categories=["in_store", "online"],
            ),
            Feature(name="country", kind="categorical", dtype="string", categories=["US"]),
        ],
        "threshold": 0.5,
        "threshold_objective": "min_cost",
        "costs": {"missed_fraud": 200.0, "false_alarm": 5.0},
        "metrics": {"validation_roc_auc": 0.9},
        "best_params": {},
        "data_hash": "d" * 32,
        "params_hash": "p" * 64,
        "git_commit": "abc123",
        "created_at": "2025-01-01T00:00:00+00:00",
    }
    return Contract(**{**values, **overrides})


class FakeEngine:
    """Scores ``amount / 1000`` capped at 1, so tests know every answer in advance."""

    name = "fake"

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.calls: list[int] = []

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        self.calls.append(len(features))
        return np.minimum(features["amount"].to_numpy(dtype=float) / 1000, 1.0)


def transaction(**overrides: typing.Any) -> dict[str, typing.Any]:
    """A valid transaction for ``make_contract()``."""
    return {"amount": 120.5, "tx_count_1h": 1, "channel": "online", "country": "US", **overrides}


def real_transactions(workspace: pathlib.Path, count: int) -> list[dict[str, typing.Any]]:
    """``count`` rows of the workspace's test set as JSON-ready request records."""
    contract = json.loads((workspace / "models/bundle/contract.json").read_text())
    names = [contract["id_column"], *(f["name"] for f in contract["features"])]
    frame = pd.read_parquet(workspace / "data/processed/test.parquet", columns=names).head(count)
    records = json.loads(frame.to_json(orient="records"))
    for record in records:
        record[contract["id_column"]] = str(record[contract["id_column"]])
    return typing.cast(list[dict[str, typing.Any]], records)


@dataclasses.dataclass(frozen=True)
class BadRequest:
    name: str
    path: str
    body: bytes
    status: int
    names: str  # what the error message must contain (the field at fault)
    content_type: str = "application/json"


def bad_requests(
    record: dict[str, typing.Any], *, max_records: int, max_bytes: int
) -> list[BadRequest]:
    """Every kind of bad input the service must answer 4xx, naming the field at fault."""

    def batch(*records: dict[str, typing.Any]) -> bytes:
        return json.dumps({"transactions": list(records)}).encode()

    without_amount = {k: v for k, v in record.items() if k != "amount"}
    numeric = batch({**record, "amount": 1.5})
    return [
        BadRequest("malformed JSON", "/predict", b'{"transactions": [', 400, "malformed JSON"),
        BadRequest("missing field", "/predict", batch(without_amount), 422, "[0].amount"),
        BadRequest("extra field", "/predict", batch({**record, "foo": 1}), 422, "[0].foo"),
        BadRequest(
            "wrong type", "/predict", batch({**record, "tx_count_1h": "two"}), 422, "tx_count_1h"
        ),
        BadRequest(
            "fraction for an integer",
            "/predict",
            batch({**record, "tx_count_1h": 1.5}),
            422,
            "tx_count_1h",
        ),
        BadRequest("NaN", "/predict", numeric.replace(b"1.5", b"NaN"), 422, "[0].amount"),
        BadRequest("infinity", "/predict", numeric.replace(b"1.5", b"Infinity"), 422, "amount"),
        BadRequest("negative amount", "/predict", batch({**record, "amount": -3}), 422, "amount"),
        BadRequest(
            "unknown category",
            "/predict",
            batch({**record, "channel": "carrier_pigeon"}),
            422,
            "[0].channel: Input should be",
        ),
        BadRequest("empty list", "/predict", batch(), 422, "transactions"),
        BadRequest(
            "too many records",
            "/predict",
            batch(*[record] * (max_records + 1)),
            413,
            "FRAUDOPS_MAX_RECORDS",
        ),
        BadRequest(
            "body over the limit",
            "/predict",
            b'{"transactions": [' + b" " * max_bytes + b"]}",
            413,
            "FRAUDOPS_MAX_REQUEST_BYTES",
        ),
        BadRequest("not JSON", "/predict", b"amount=3", 415, "Content-Type", "text/plain"),
        BadRequest("a list, not an object", "/predict", b"[]", 422, "body"),
        BadRequest("empty body", "/predict", b"", 422, "transactions: Field required"),
        BadRequest("single: missing record", "/predict_one", b"{}", 422, "transaction"),
        BadRequest(
            "single: unknown category",
            "/predict_one",
            json.dumps({"transaction": {**record, "country": "XX"}}).encode(),
            422,
            "transaction.country",
        ),
    ]


def assert_bad_requests_refused(
    client: typing.Any, record: dict[str, typing.Any], *, max_records: int, max_bytes: int
) -> None:
    """Send every bad request through ``client`` (httpx or Starlette's test client)."""
    for bad in bad_requests(record, max_records=max_records, max_bytes=max_bytes):
        response = client.post(
            bad.path, content=bad.body, headers={"content-type": bad.content_type}
        )
        assert response.status_code == bad.status, (bad.name, response.text)
        assert bad.names in response.json()["error"], (bad.name, response.text)
