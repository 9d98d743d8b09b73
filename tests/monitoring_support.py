"""Helpers for the monitoring tests: a contract without training, log lines as the service
writes them."""

from __future__ import annotations

import datetime as dt
import json
import typing

from fraudops.config import Columns
from fraudops.core.contract import Contract, describe_features
from fraudops.core.generator import CATEGORICAL, NUMERIC
from fraudops.scoring.prediction_log import PredictionRecord

FEATURES: dict[str, typing.Any] = {
    "amount": 42.5,
    "card_age_days": 300,
    "customer_tenure_days": 900,
    "tx_count_1h": 0,
    "tx_count_24h": 3,
    "distance_from_home_km": 4.2,
    "hour_of_day": 13,
    "merchant_category": "grocery",
    "channel": "in_store",
    "country": "US",
    "device_type": "pos_terminal",
}


def make_contract(frame: typing.Any) -> Contract:
    """A contract for the generator's columns, as training would describe ``frame``."""
    columns = Columns(numeric=NUMERIC, categorical=CATEGORICAL)
    return Contract(
        model_name="card-fraud",
        bundle_version="1",
        classifier="hist_gradient_boosting",
        id_column="transaction_id",
        timestamp_column="timestamp",
        label="is_fraud",
        features=describe_features(frame, columns),
        threshold=0.5,
        threshold_objective="min_cost",
        costs={"missed_fraud": 200.0, "false_alarm": 5.0},
        metrics={},
        best_params={},
        data_hash="0" * 32,
        params_hash="0" * 64,
        git_commit="unknown",
        created_at="2025-01-01T00:00:00+00:00",
    )


def record_line(
    record_id: str,
    logged_at: dt.datetime,
    *,
    score: float = 0.1,
    features: dict[str, typing.Any] | None = None,
) -> str:
    """One JSON line of the prediction log."""
    record = PredictionRecord(
        record_id=record_id,
        request_id=f"req-{record_id}",
        logged_at=logged_at,
        model_name="card-fraud",
        bundle_version="1",
        score=score,
        decision=score >= 0.5,
        features=FEATURES if features is None else features,
    )
    return record.model_dump_json()


def raw_line(**fields: typing.Any) -> str:
    """A line with arbitrary fields (for records the model would refuse)."""
    return json.dumps(fields)
