"""MLflow, configured in one place.

MLflow's fluent API (``mlflow.start_run``, ``mlflow.sklearn.log_model``) reads a process-wide
tracking URI, and ``mlflow.set_tracking_uri`` also copies it into the environment, where it
outlives the command that set it (and leaks into the next test of a pytest process). So the
fluent API is only used inside ``use_tracking``, which puts both back afterwards, and every
registry call goes through an explicit ``MlflowClient``.
"""

from __future__ import annotations

import contextlib
import os
import typing

from fraudops.environment import load_environment

if typing.TYPE_CHECKING:
    from mlflow import MlflowClient

TRACKING_VARIABLE = "MLFLOW_TRACKING_URI"
REGISTRY_VARIABLE = "MLFLOW_REGISTRY_URI"


def tracking_uri() -> str:
    """The tracking server (and registry): ``MLFLOW_TRACKING_URI``, else ``sqlite:///mlflow.db``."""
    return load_environment().tracking_uri


def experiment_name(model_name: str) -> str:
    return load_environment().experiment or model_name


@contextlib.contextmanager
def use_tracking(uri: str | None = None) -> typing.Iterator[str]:
    """Point MLflow's fluent API at ``uri`` (default: ``tracking_uri()``) for the block."""
    import mlflow

    uri = uri or tracking_uri()
    saved = {name: os.environ.get(name) for name in (TRACKING_VARIABLE, REGISTRY_VARIABLE)}
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    try:
        yield uri
    finally:
        mlflow.set_tracking_uri(None)  # type: ignore[arg-type]  # None: "not set"
        mlflow.set_registry_uri(None)  # type: ignore[arg-type]
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def client(uri: str | None = None) -> MlflowClient:
    """A client of ``uri`` (default: ``tracking_uri()``) for both tracking and the registry."""
    from mlflow import MlflowClient

    uri = uri or tracking_uri()
    return MlflowClient(tracking_uri=uri, registry_uri=uri)
