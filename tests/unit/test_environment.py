"""The environment is read in one place: typed, with defaults that run, an empty variable taken
as unset, and errors that name the variable and its value."""

from __future__ import annotations

import pathlib

import pytest

from fraudops.environment import (
    DEFAULT_MODEL_TAG,
    DEFAULT_TRACKING_URI,
    Environment,
    load_environment,
)
from fraudops.errors import FraudopsError


def test_environment__defaults_when_nothing_is_set() -> None:
    env = load_environment({})
    assert env.model_tag == DEFAULT_MODEL_TAG
    assert env.tracking_uri == DEFAULT_TRACKING_URI
    assert env.engine == "sklearn"
    assert env.max_records <= env.max_batch_size
    assert env.prediction_log_dir == pathlib.Path("logs/predictions")


def test_environment__read_from_the_variables() -> None:
    env = load_environment(
        {
            "FRAUDOPS_MODEL_TAG": "card-fraud:20250101000000",
            "FRAUDOPS_MAX_RECORDS": "10",
            "FRAUDOPS_MAX_BATCH_SIZE": "50",
            "FRAUDOPS_PREDICTION_LOG_DIR": "/var/log/predictions",
            "FRAUDOPS_WORKERS": "2",
            "FRAUDOPS_ENGINE": "onnx",
            "MLFLOW_TRACKING_URI": "http://127.0.0.1:5000",
            "FRAUDOPS_MAX_REQUEST_BYTES": "",  # empty means unset
        }
    )
    assert env.model_tag == "card-fraud:20250101000000"
    assert (env.max_records, env.max_batch_size, env.workers) == (10, 50, 2)
    assert env.prediction_log_dir == pathlib.Path("/var/log/predictions")
    assert env.max_request_bytes == load_environment({}).max_request_bytes
    assert (env.engine, env.tracking_uri) == ("onnx", "http://127.0.0.1:5000")


def test_environment__the_process_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAUDOPS_WORKERS", "3")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "")
    env = load_environment()
    assert (env.workers, env.tracking_uri) == (3, DEFAULT_TRACKING_URI)


def test_environment__each_field_names_its_variable() -> None:
    names = [Environment.variable(field) for field in Environment.model_fields]
    assert len(set(names)) == len(names)
    assert Environment.variable("model_tag") == "FRAUDOPS_MODEL_TAG"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"FRAUDOPS_MAX_RECORDS": "many"}, "FRAUDOPS_MAX_RECORDS='many'"),
        ({"FRAUDOPS_MAX_RECORDS": "0"}, "FRAUDOPS_MAX_RECORDS='0'"),
        ({"FRAUDOPS_WORKERS": "-1"}, "FRAUDOPS_WORKERS='-1'"),
        ({"FRAUDOPS_ENGINE": "gpu"}, "FRAUDOPS_ENGINE='gpu'"),
        (
            {"FRAUDOPS_MAX_RECORDS": "500", "FRAUDOPS_MAX_BATCH_SIZE": "100"},
            "FRAUDOPS_MAX_BATCH_SIZE=100 must be at least FRAUDOPS_MAX_RECORDS=500",
        ),
    ],
)
def test_environment__bad_values_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(FraudopsError, match=message):
        load_environment(environ)
