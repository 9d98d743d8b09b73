"""Environment settings: where things live, never what changes results.

Unlike ``params.yaml`` these do not invalidate the DVC cache: pointing MLflow at a server
does not retrain the model.
"""

from __future__ import annotations

import os
import pathlib

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"


def tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI", DEFAULT_TRACKING_URI)


def experiment_name(model_name: str) -> str:
    return os.environ.get("FRAUDOPS_EXPERIMENT", model_name)


def quiet_third_parties() -> None:
    """Telemetry off and noisy warnings down; called by the CLI, never on import."""
    os.environ.setdefault("DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY", "1")
    os.environ.setdefault("DVC_NO_ANALYTICS", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")


def repo_root(start: pathlib.Path | None = None) -> pathlib.Path:
    """The folder holding ``dvc.yaml`` at or above ``start`` (the working directory)."""
    here = (start or pathlib.Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "dvc.yaml").is_file():
            return folder
    return here
