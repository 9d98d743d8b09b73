"""MLflow: one run per training, with params, metrics, tags and the model."""

from __future__ import annotations

import contextlib
import json
import pathlib
import tempfile
import typing

import pandas as pd
from sklearn.pipeline import Pipeline

from fraudops import settings


@contextlib.contextmanager
def training_run(model_name: str, tags: dict[str, str]) -> typing.Iterator[str]:
    """Start an MLflow run in the model's experiment; yield its id."""
    import mlflow

    mlflow.set_tracking_uri(settings.tracking_uri())
    mlflow.set_experiment(settings.experiment_name(model_name))
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


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)
