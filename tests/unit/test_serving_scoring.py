"""The scoring function: one engine call per batch, answers in order, the decision at the
threshold, request and record ids, and every record handed to the log and the metrics."""

from __future__ import annotations

import json
import typing

import numpy as np

from fraudops.serving import request_id
from fraudops.serving.prediction_writer import ScoredBatch
from fraudops.serving.schema import build_schemas
from fraudops.serving.scorer import Scorer
from tests.serving_support import FakeEngine, make_contract, transaction

CONTRACT = make_contract(threshold=0.5)
SCHEMAS = build_schemas(CONTRACT, max_records=10)


class RecordingWriter:
    def __init__(self) -> None:
        self.batches: list[ScoredBatch] = []
        self.closed = False

    def submit(self, batch: ScoredBatch) -> None:
        self.batches.append(batch)

    def close(self) -> None:
        self.closed = True


class RecordingMetrics:
    def __init__(self) -> None:
        self.seen: list[tuple[list[float], list[bool]]] = []

    def observe(self, scores: np.ndarray, decisions: np.ndarray) -> None:
        self.seen.append((scores.tolist(), decisions.tolist()))


def _records(*records: dict[str, typing.Any], request: str = "req-1") -> list[typing.Any]:
    token = request_id.bind(request)
    try:
        body = json.dumps({"transactions": list(records)})
        return list(SCHEMAS.batch_request.model_validate_json(body).transactions)
    finally:
        request_id.unbind(token)


def _scorer() -> tuple[Scorer, FakeEngine, RecordingWriter, RecordingMetrics]:
    engine, writer, metrics = FakeEngine(CONTRACT), RecordingWriter(), RecordingMetrics()
    scorer = Scorer(engine, writer=writer, metrics=metrics)  # type: ignore[arg-type]
    return scorer, engine, writer, metrics


def test_scorer__one_engine_call_answers_in_order_with_the_threshold_decision() -> None:
    scorer, engine, _, _ = _scorer()
    batch = _records(
        transaction(amount=100.0, transaction_id="a"),
        transaction(amount=500.0, transaction_id="b"),  # exactly the threshold: fraud
        transaction(amount=2500.0),
    )
    predictions = scorer.score(batch)
    assert engine.calls == [3]
    assert [p.fraud_probability for p in predictions] == [0.1, 0.5, 1.0]
    assert [p.is_fraud for p in predictions] == [False, True, True]
    assert [p.transaction_id for p in predictions] == ["a", "b", None]
    assert {p.request_id for p in predictions} == {"req-1"}
    assert {(p.model_name, p.bundle_version, p.threshold) for p in predictions} == {
        (CONTRACT.model_name, CONTRACT.bundle_version, 0.5)
    }


def test_scorer__merged_requests_keep_their_own_request_ids() -> None:
    scorer, engine, writer, _ = _scorer()
    merged = _records(transaction(), transaction(), request="first") + _records(
        transaction(transaction_id="own-id"), request="second"
    )
    predictions = scorer.score(merged)
    assert engine.calls == [3]
    assert [p.request_id for p in predictions] == ["first", "first", "second"]
    (logged,) = writer.batches
    assert logged.record_ids == ["first:0", "first:1", "own-id"]
    assert logged.request_ids == ["first", "first", "second"]


def test_scorer__logs_features_scores_and_decisions_of_every_record() -> None:
    scorer, _, writer, metrics = _scorer()
    scorer.score(_records(transaction(amount=900.0, channel="in_store", tx_count_1h=4)))
    (logged,) = writer.batches
    (record,) = list(logged.records())
    assert record.features == {
        "amount": 900.0,
        "tx_count_1h": 4,
        "channel": "in_store",
        "country": "US",
    }
    assert (record.score, record.decision) == (0.9, True)
    assert (record.model_name, record.bundle_version) == (CONTRACT.model_name, "20250101000000")
    assert record.logged_at.tzinfo is not None
    assert metrics.seen == [([0.9], [True])]


def test_scorer__empty_batch_scores_nothing() -> None:
    scorer, engine, writer, metrics = _scorer()
    assert scorer.score([]) == []
    assert engine.calls == []
    assert writer.batches == []
    assert metrics.seen == []


def test_scorer__close_closes_the_log() -> None:
    scorer, _, writer, _ = _scorer()
    scorer.close()
    assert writer.closed
