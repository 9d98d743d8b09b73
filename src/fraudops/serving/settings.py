"""Serving settings, read from the environment (they change how the model is served, never what
it predicts, so they live outside ``params.yaml``). docs/serving.md lists them."""

from __future__ import annotations

import os
import pathlib
import typing

import pydantic

from fraudops.errors import FraudopsError
from fraudops.scoring.prediction_log import DEFAULT_LOG_DIR, LOG_DIR_ENV

DEFAULT_MODEL_TAG = "card-fraud:latest"

# field -> environment variable
ENV: dict[str, str] = {
    "model_tag": "FRAUDOPS_MODEL_TAG",
    "max_records": "FRAUDOPS_MAX_RECORDS",
    "max_batch_size": "FRAUDOPS_MAX_BATCH_SIZE",
    "max_latency_ms": "FRAUDOPS_MAX_LATENCY_MS",
    "max_request_bytes": "FRAUDOPS_MAX_REQUEST_BYTES",
    "max_concurrency": "FRAUDOPS_MAX_CONCURRENCY",
    "timeout_seconds": "FRAUDOPS_TIMEOUT_SECONDS",
    "workers": "FRAUDOPS_WORKERS",
    "access_log": "FRAUDOPS_ACCESS_LOG",
    "trace_requests": "FRAUDOPS_TRACE_REQUESTS",
    "log_dir": LOG_DIR_ENV,
    "log_max_bytes": "FRAUDOPS_PREDICTION_LOG_MAX_BYTES",
    "log_max_seconds": "FRAUDOPS_PREDICTION_LOG_MAX_SECONDS",
}


class ServingSettings(pydantic.BaseModel):
    """Limits and locations of the online service; every field has a default that runs."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    model_tag: str = DEFAULT_MODEL_TAG
    # records in one request; a longer list is answered 413
    max_records: int = pydantic.Field(100, ge=1)
    # records merged by adaptive batching into one model call (at least max_records)
    max_batch_size: int = pydantic.Field(1000, ge=2)
    # adaptive batching sheds (429) a request it expects to wait longer than this; it also
    # scales BentoML's first batching estimates, so the first requests wait at most ~1/3 of it
    max_latency_ms: int = pydantic.Field(2000, ge=10)
    max_request_bytes: int = pydantic.Field(1 << 20, ge=1024)
    # requests in flight per service before BentoML answers 429
    max_concurrency: int = pydantic.Field(512, ge=1)
    timeout_seconds: float = pydantic.Field(30.0, gt=0)
    workers: int = pydantic.Field(1, ge=1, le=64)
    # BentoML's access log line and OpenTelemetry spans cost more per request than parsing
    # and validating it; the prediction log already records every scored request.
    access_log: bool = False
    trace_requests: bool = False
    log_dir: pathlib.Path = DEFAULT_LOG_DIR
    log_max_bytes: int = pydantic.Field(32 << 20, ge=1024)
    log_max_seconds: float = pydantic.Field(3600.0, gt=0)

    @pydantic.model_validator(mode="after")
    def _batch_holds_a_request(self) -> ServingSettings:
        if self.max_batch_size < self.max_records:
            raise ValueError(
                f"{ENV['max_batch_size']}={self.max_batch_size} must be at least "
                f"{ENV['max_records']}={self.max_records}: a batch holds at least one request"
            )
        return self

    @classmethod
    def from_env(cls, environ: typing.Mapping[str, str] | None = None) -> ServingSettings:
        """The settings from ``environ`` (the process environment by default)."""
        environ = os.environ if environ is None else environ
        values = {field: environ[name] for field, name in ENV.items() if environ.get(name)}
        try:
            return cls.model_validate(values)
        except pydantic.ValidationError as error:
            problems = []
            for item in error.errors():
                field = str(item["loc"][0]) if item["loc"] else ""
                name = ENV.get(field, "serving settings")
                problems.append(f"{name}={values.get(field, '')!r}: {item['msg']}")
            raise FraudopsError("; ".join(problems)) from None
