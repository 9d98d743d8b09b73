"""The online service: typed scoring endpoints over a model from the BentoML store.

Serve it with ``fraudops serve`` (``make serve``) or
``bentoml serve fraudops.serving.service:FraudDetection``; the environment configures it (see
``fraudops.environment`` and docs/serving.md). Importing this module reads the model's
contract from the store, because the request and response schemas are built from it; the
pipeline itself loads when a worker starts, and readiness fails until it has.
"""

from __future__ import annotations

import gc
import inspect
import logging
import typing

import bentoml
import pandas as pd
import pydantic
from bentoml.exceptions import ServiceUnavailable
from bentoml.validators import ContentType

from fraudops.environment import Environment, load_environment
from fraudops.scoring.engine import load_engine
from fraudops.serving import store
from fraudops.serving.guard import Limits, RequestGuard, ServiceState
from fraudops.serving.prediction_writer import PredictionWriter
from fraudops.serving.prometheus_metrics import PredictionMetrics
from fraudops.serving.schema import (
    Prediction,
    StampedRequest,
    TransactionBase,
    build_schemas,
    example,
)
from fraudops.serving.scorer import Scorer

log = logging.getLogger(__name__)

SETTINGS = load_environment()
MODEL_TAG, CONTRACT = store.stored_contract(SETTINGS.model_tag)
SCHEMAS = build_schemas(CONTRACT, max_records=SETTINGS.max_records)
STATE = ServiceState()
# One BLAS/OpenMP thread per worker: more threads than cores stall every worker.
THREAD_LIMITS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

# BentoML logs a traceback for every request that fails validation: a client's mistake,
# answered 4xx by the guard, not a server error worth a stack trace in the log.
BENTOML_HTTP_LOGGER = "bentoml._internal.server.http_app"

T = typing.TypeVar("T")
# A declared media type: otherwise BentoML derives it from the JSON schema on every answer.
JSON = typing.Annotated[T, ContentType("application/json")]

if typing.TYPE_CHECKING:
    Transaction = TransactionBase
else:
    Transaction = SCHEMAS.transaction


def _skip_client_errors(record: logging.LogRecord) -> bool:
    return not (record.exc_info and isinstance(record.exc_info[1], pydantic.ValidationError))


def _io(model: type[StampedRequest], name: str) -> type[pydantic.BaseModel]:
    """``model`` as a BentoML input spec with its own name on the OpenAPI page."""
    return pydantic.create_model(name, __base__=(bentoml.IODescriptor, model))


SCORING_ROUTES = ("/predict", "/predict_one")


@bentoml.service(
    workers=SETTINGS.workers,
    traffic={"timeout": SETTINGS.timeout_seconds, "max_concurrency": SETTINGS.max_concurrency},
    logging={"access": {"enabled": SETTINGS.access_log}},
    tracing={"excluded_urls": [] if SETTINGS.trace_requests else list(SCORING_ROUTES)},
    # Pins the model version the service was started (or the Bento built) with, so every
    # worker and every container of one Bento serves the same model.
    envs=[
        {"name": Environment.variable("model_tag"), "value": MODEL_TAG},
        *({"name": name, "value": "1"} for name in THREAD_LIMITS),
    ],
    labels={"model_name": CONTRACT.model_name, "bundle_version": CONTRACT.bundle_version},
)
class FraudDetection:
    """Card-fraud scoring. Send transactions as JSON; get a fraud probability, the decision at
    the model's threshold, the model name and version and a request id for each. Inputs follow
    the model's feature contract strictly: every field required, no extra fields, numbers
    finite and within their allowed range, categories only from those seen in training
    (others: 422)."""

    bento_model = bentoml.models.BentoModel(MODEL_TAG)

    def __init__(self) -> None:
        self.scorer: Scorer | None = None
        logging.getLogger(BENTOML_HTTP_LOGGER).addFilter(_skip_client_errors)
        try:
            engine = load_engine(self.bento_model.path, SETTINGS.engine)
            # The first call of a pipeline is slow (lazy set-up): pay it before being ready.
            engine.predict_proba(pd.DataFrame([example(CONTRACT)]))
            writer = PredictionWriter(
                SETTINGS.prediction_log_dir,
                max_bytes=SETTINGS.log_max_bytes,
                max_seconds=SETTINGS.log_max_seconds,
            ).start()
            metrics = PredictionMetrics(CONTRACT.model_name, CONTRACT.bundle_version)
            self.scorer = Scorer(engine, writer=writer, metrics=metrics)
        except Exception as error:  # the worker stays up and reports not ready, with the reason
            log.exception("model %s did not load", MODEL_TAG)
            STATE.load_error = f"{type(error).__name__}: {error}"
        else:
            # Everything loaded so far lives as long as the worker: keep the garbage collector
            # from walking it again and again (full collections stalled every request ~0.25 s).
            gc.freeze()
            STATE.loaded = True
            log.info("serving %s with the %s engine", MODEL_TAG, engine.name)

    def __is_ready__(self) -> bool:
        return self.scorer is not None

    @bentoml.api(
        route=SCORING_ROUTES[0],
        batchable=True,
        max_batch_size=SETTINGS.max_batch_size,
        max_latency_ms=SETTINGS.max_latency_ms,
        input_spec=_io(SCHEMAS.batch_request, "PredictRequest"),
    )
    def predict(self, transactions: list[Transaction]) -> JSON[list[Prediction]]:
        """Score a list of 1 to FRAUDOPS_MAX_RECORDS transactions (100 by default), answered in
        order. Adaptive batching merges concurrent requests into one model call, so this is
        also the fast way to score single transactions under load. Errors: 400 malformed JSON,
        413 too many records or too large a body, 415 not JSON, 422 a field that breaks the
        schema (named in the message; an unknown category is rejected, never guessed), 429
        overloaded (retry), 503 model not loaded."""
        return self._scorer().score(transactions)

    @bentoml.api(
        route=SCORING_ROUTES[1], input_spec=_io(SCHEMAS.single_request, "PredictOneRequest")
    )
    def predict_one(self, transaction: Transaction) -> Prediction:
        """Score one transaction (one model call per request, no batching: under concurrent
        load send lists to /predict instead). Errors as for /predict."""
        return self._scorer().score([transaction])[0]

    @bentoml.on_shutdown
    def close(self) -> None:
        """Write every queued prediction log record and complete the open file."""
        if self.scorer is not None:
            self.scorer.close()

    def _scorer(self) -> Scorer:
        if self.scorer is None:
            raise ServiceUnavailable(f"model not loaded: {STATE.load_error}")
        return self.scorer


# The decorator turned the class into a bentoml.Service (its typing does not say so).
_SERVICE = typing.cast(typing.Any, FraudDetection)
for _api in _SERVICE.apis.values():  # docstrings render as Markdown on the OpenAPI page
    _api.doc = inspect.cleandoc(_api.doc or "")

_SERVICE.add_asgi_middleware(
    RequestGuard,
    routes=SCORING_ROUTES,
    limits=Limits(
        max_request_bytes=SETTINGS.max_request_bytes,
        max_records=SETTINGS.max_records,
        max_latency_ms=SETTINGS.max_latency_ms,
        max_concurrency=SETTINGS.max_concurrency,
    ),
    state=STATE,
)
