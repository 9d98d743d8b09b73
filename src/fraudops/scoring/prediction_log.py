"""The prediction log record: written by the service, read by monitoring.

Files are JSON lines, one record per line, in a folder (``FRAUDOPS_PREDICTION_LOG_DIR``,
default ``logs/predictions``), named ``predictions-<UTC start>-<pid>-<seq>.jsonl`` and rotated
by size; a file is complete once it no longer ends in ``.jsonl.open``.
"""

from __future__ import annotations

import datetime as dt
import typing

import pydantic


class PredictionRecord(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", protected_namespaces=())

    record_id: str  # the transaction id when the client sent one, else request_id:index
    request_id: str
    logged_at: dt.datetime  # UTC
    model_name: str
    bundle_version: str
    score: float
    decision: bool
    features: dict[str, typing.Any]
