"""Scoring validated transactions: one engine call per batch, then predictions, the prediction
log and metrics. Nothing here knows about HTTP or BentoML."""

from __future__ import annotations

import datetime as dt
import typing

import numpy as np
import pandas as pd

from fraudops.core.contract import Contract
from fraudops.scoring.engine import Engine
from fraudops.serving import request_id
from fraudops.serving.prediction_writer import PredictionWriter, ScoredBatch
from fraudops.serving.prometheus_metrics import PredictionMetrics
from fraudops.serving.schema import Prediction, TransactionBase


def feature_columns(
    transactions: typing.Sequence[TransactionBase], contract: Contract
) -> dict[str, list[typing.Any]]:
    """The contract's features, column by column (cheaper than a frame from row dicts)."""
    return {name: [getattr(t, name) for t in transactions] for name in contract.feature_names}


class Scorer:
    """Scores batches with ``engine``; logs and counts every scored record when given a writer
    and metrics."""

    def __init__(
        self,
        engine: Engine,
        *,
        writer: PredictionWriter | None = None,
        metrics: PredictionMetrics | None = None,
    ) -> None:
        self.engine = engine
        self.contract = engine.contract
        self.writer = writer
        self.metrics = metrics

    def score(self, transactions: typing.Sequence[TransactionBase]) -> list[Prediction]:
        """One prediction per transaction, in order; an empty batch scores nothing."""
        if not transactions:
            return []
        contract = self.contract
        columns = feature_columns(transactions, contract)
        scores = np.asarray(self.engine.predict_proba(pd.DataFrame(columns)), dtype=float)
        decisions = scores >= contract.threshold
        fallback = request_id.new()
        request_ids = [t.request_id or fallback for t in transactions]
        ids: list[str | None] = [getattr(t, contract.id_column, None) for t in transactions]
        score_list, decision_list = scores.tolist(), decisions.tolist()
        predictions = [
            Prediction.model_construct(
                request_id=request_ids[i],
                transaction_id=ids[i],
                fraud_probability=score_list[i],
                is_fraud=decision_list[i],
                threshold=contract.threshold,
                model_name=contract.model_name,
                bundle_version=contract.bundle_version,
            )
            for i in range(len(transactions))
        ]
        if self.writer is not None:
            self.writer.submit(
                ScoredBatch(
                    logged_at=dt.datetime.now(dt.UTC),
                    model_name=contract.model_name,
                    bundle_version=contract.bundle_version,
                    record_ids=[
                        ids[i] or f"{request_ids[i]}:{t.position}"
                        for i, t in enumerate(transactions)
                    ],
                    request_ids=request_ids,
                    scores=score_list,
                    decisions=decision_list,
                    features=columns,
                )
            )
        if self.metrics is not None:
            self.metrics.observe(scores, decisions)
        return predictions

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
