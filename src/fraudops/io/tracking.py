"""MLflow: one run per training, with params, metrics, tags and the model."""

from __future__ import annotations

import contextlib
import json
import logging
import pathlib
import tempfile
import typing

import pandas as pd
from sklearn.pipeline import Pipeline

from fraudops.io import mlflow_store

log = logging.getLogger(__name__)


@contextlib.contextmanager
def training_run(model_name: str, tags: dict[str, str]) -> typing.Iterator[str]:
    """Start an MLflow run in the model's experiment; yield its id."""
    import mlflow

    with mlflow_store.use_tracking():
        mlflow.set_experiment(mlflow_store.experiment_name(model_name))
        with mlflow.start_run(tags=tags) as run:
            yield run.info.run_id


def log_training(
    *,
    params: dict[str, typing.Any],
    metrics: dict[str, float],
    pipeline: Pipeline,
    example: pd.DataFrame,
    artifacts: dict[str, typing.Any],
) -> None:
    """Log to the active run. The model is saved with cloudpickle (skops refuses the
    ColumnTransformer + gradient-boosting types unless each is trusted) and its pyfunc returns
    probabilities, which is what every consumer of this model wants."""
    import mlflow
    import mlflow.sklearn
    from mlflow.models import infer_signature

    mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
    mlflow.log_metrics({k: v for k, v in metrics.items() if v == v})
    signature = infer_signature(example, pipeline.predict_proba(example))
    requirements = [
        f"{pkg}=={_version(pkg)}" for pkg in ("scikit-learn", "pandas", "numpy", "cloudpickle")
    ]
    mlflow.sklearn.log_model(
        pipeline,
        name="model",
        signature=signature,
        input_example=example,
        serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE,
        pyfunc_predict_fn="predict_proba",
        pip_requirements=requirements,
    )
    with tempfile.TemporaryDirectory() as folder:
        for name, payload in artifacts.items():
            path = pathlib.Path(folder) / name
            path.write_text(json.dumps(payload, indent=2, default=str))
            mlflow.log_artifact(str(path))


def log_test_metrics(run_id: str | None, metrics: dict[str, float]) -> None:
    """Add the test-period metrics to the training run (as ``test_<name>``), when its store is
    reachable: a warning otherwise, since the metrics are also in metrics.json."""
    if not run_id:
        return
    import time

    from mlflow.entities import Metric
    from mlflow.exceptions import MlflowException

    now = int(time.time() * 1000)
    try:
        mlflow_store.client().log_batch(
            run_id,
            metrics=[Metric(f"test_{k}", v, now, 0) for k, v in metrics.items() if v == v],
        )
    except MlflowException as error:
        log.warning("could not add test metrics to MLflow run %s: %s", run_id, error)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)
