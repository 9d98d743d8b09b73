"""The environment: where things live and how they run, never what changes results.

Every environment variable the project reads is a field of ``Environment``, named by its
variable. Unlike ``params.yaml`` these values do not invalidate the DVC cache: pointing MLflow
at a server or giving the service more workers does not retrain the model. docs/serving.md
lists the service's variables; docs/ci.md those the workflows set.
"""

from __future__ import annotations

import os
import pathlib
import typing

import pydantic
import pydantic_settings

from fraudops.errors import FraudopsError

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
DEFAULT_MODEL_TAG = "card-fraud:latest"
DEFAULT_PREDICTION_LOG_DIR = pathlib.Path("logs/predictions")
DEFAULT_PIPELINE_IMAGE = "ghcr.io/owner/fraudops-runner:latest"

EngineName = typing.Literal["sklearn", "onnx"]


def _variable(name: str, default: typing.Any, **constraints: typing.Any) -> typing.Any:
    return pydantic.Field(default, validation_alias=name, **constraints)


class Environment(pydantic_settings.BaseSettings):
    """The project's environment variables, typed; an empty variable counts as unset."""

    model_config = pydantic_settings.SettingsConfigDict(
        case_sensitive=True,
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
        protected_namespaces=(),
    )

    # ---- tracking and registry (fraudops.io.mlflow_store)
    tracking_uri: str = _variable("MLFLOW_TRACKING_URI", DEFAULT_TRACKING_URI)
    experiment: str | None = _variable("FRAUDOPS_EXPERIMENT", None)  # default: the model name

    # ---- scoring engines (batch, serving, monitoring)
    engine: EngineName = _variable("FRAUDOPS_ENGINE", "sklearn")
    # threads of one ONNX Runtime call; the service sets it to 1 per worker
    omp_threads: int | None = _variable("OMP_NUM_THREADS", None, ge=1)

    # ---- the online service (docs/serving.md)
    model_tag: str = _variable("FRAUDOPS_MODEL_TAG", DEFAULT_MODEL_TAG)
    # records in one request; a longer list is answered 413
    max_records: int = _variable("FRAUDOPS_MAX_RECORDS", 100, ge=1)
    # records merged by adaptive batching into one model call (at least max_records)
    max_batch_size: int = _variable("FRAUDOPS_MAX_BATCH_SIZE", 1000, ge=2)
    # adaptive batching sheds (429) a request it expects to wait longer than this; it also
    # scales BentoML's first batching estimates, so the first requests wait at most ~1/3 of it
    max_latency_ms: int = _variable("FRAUDOPS_MAX_LATENCY_MS", 2000, ge=10)
    max_request_bytes: int = _variable("FRAUDOPS_MAX_REQUEST_BYTES", 1 << 20, ge=1024)
    # requests in flight per service before BentoML answers 429
    max_concurrency: int = _variable("FRAUDOPS_MAX_CONCURRENCY", 512, ge=1)
    timeout_seconds: float = _variable("FRAUDOPS_TIMEOUT_SECONDS", 30.0, gt=0)
    workers: int = _variable("FRAUDOPS_WORKERS", 1, ge=1, le=64)
    # BentoML's access log line and OpenTelemetry spans cost more per request than parsing
    # and validating it; the prediction log already records every scored request.
    access_log: bool = _variable("FRAUDOPS_ACCESS_LOG", False)
    trace_requests: bool = _variable("FRAUDOPS_TRACE_REQUESTS", False)
    prediction_log_dir: pathlib.Path = _variable(
        "FRAUDOPS_PREDICTION_LOG_DIR", DEFAULT_PREDICTION_LOG_DIR
    )
    log_max_bytes: int = _variable("FRAUDOPS_PREDICTION_LOG_MAX_BYTES", 32 << 20, ge=1024)
    log_max_seconds: float = _variable("FRAUDOPS_PREDICTION_LOG_MAX_SECONDS", 3600.0, gt=0)
    bentoml_home: str = _variable("BENTOML_HOME", "~/bentoml")

    # ---- CI and GitHub (set by GitHub Actions, or by hand)
    github_actor: str | None = _variable("GITHUB_ACTOR", None)
    github_sha: str | None = _variable("GITHUB_SHA", None)
    github_token: str | None = _variable("GITHUB_TOKEN", None)
    github_repository: str | None = _variable("GITHUB_REPOSITORY", None)
    github_api_url: str = _variable("GITHUB_API_URL", "https://api.github.com")
    pr_number: int | None = _variable("PR_NUMBER", None, ge=1)
    artifacts_url: str | None = _variable("ARTIFACTS_URL", None)

    # ---- rendering the Argo workflows (pipelines/)
    pipeline_image: str = _variable("FRAUDOPS_IMAGE", DEFAULT_PIPELINE_IMAGE)

    # ---- profiling (bench/pipeline.py)
    profile_file: pathlib.Path | None = _variable("FRAUDOPS_PROFILE_FILE", None)

    @pydantic.model_validator(mode="after")
    def _batch_holds_a_request(self) -> Environment:
        if self.max_batch_size < self.max_records:
            raise ValueError(
                f"FRAUDOPS_MAX_BATCH_SIZE={self.max_batch_size} must be at least "
                f"FRAUDOPS_MAX_RECORDS={self.max_records}: a batch holds at least one request"
            )
        return self

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable behind ``field``."""
        alias = cls.model_fields[field].validation_alias
        assert isinstance(alias, str)
        return alias


def load_environment(environ: typing.Mapping[str, str] | None = None) -> Environment:
    """The process environment (or ``environ``, for tests), or one error that names each bad
    variable with its value."""
    try:
        if environ is None:
            return Environment()
        # Only ``environ``: a test's mapping must not mix with the process environment.
        names = {Environment.variable(field) for field in Environment.model_fields}
        return Environment.model_validate(
            {name: value for name, value in environ.items() if name in names and value != ""}
        )
    except pydantic.ValidationError as error:
        problems = []
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else ""
            value = item.get("input") if name else None
            problems.append(f"{name}={value!r}: {item['msg']}" if name else item["msg"])
        raise FraudopsError("; ".join(problems)) from None


def quiet_third_parties() -> None:
    """Telemetry off and noisy warnings down; called by commands, never on import."""
    os.environ.setdefault("DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY", "1")
    os.environ.setdefault("DVC_NO_ANALYTICS", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
