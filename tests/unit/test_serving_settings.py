"""Serving settings come from the environment, with defaults that run and errors that name the
variable."""

from __future__ import annotations

import pathlib

import pytest

from fraudops.errors import FraudopsError
from fraudops.serving.settings import DEFAULT_MODEL_TAG, ServingSettings


def test_settings__defaults_when_nothing_is_set() -> None:
    settings = ServingSettings.from_env({})
    assert settings.model_tag == DEFAULT_MODEL_TAG
    assert settings.max_records <= settings.max_batch_size
    assert settings.log_dir == pathlib.Path("logs/predictions")


def test_settings__read_from_the_environment() -> None:
    settings = ServingSettings.from_env(
        {
            "FRAUDOPS_MODEL_TAG": "card-fraud:20250101000000",
            "FRAUDOPS_MAX_RECORDS": "10",
            "FRAUDOPS_MAX_BATCH_SIZE": "50",
            "FRAUDOPS_PREDICTION_LOG_DIR": "/var/log/predictions",
            "FRAUDOPS_WORKERS": "2",
            "FRAUDOPS_MAX_REQUEST_BYTES": "",  # empty means unset
        }
    )
    assert settings.model_tag == "card-fraud:20250101000000"
    assert (settings.max_records, settings.max_batch_size, settings.workers) == (10, 50, 2)
    assert settings.log_dir == pathlib.Path("/var/log/predictions")
    assert settings.max_request_bytes == ServingSettings().max_request_bytes


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"FRAUDOPS_MAX_RECORDS": "many"}, "FRAUDOPS_MAX_RECORDS='many'"),
        ({"FRAUDOPS_MAX_RECORDS": "0"}, "FRAUDOPS_MAX_RECORDS='0'"),
        ({"FRAUDOPS_WORKERS": "-1"}, "FRAUDOPS_WORKERS='-1'"),
        (
            {"FRAUDOPS_MAX_RECORDS": "500", "FRAUDOPS_MAX_BATCH_SIZE": "100"},
            "FRAUDOPS_MAX_BATCH_SIZE=100 must be at least FRAUDOPS_MAX_RECORDS=500",
        ),
    ],
)
def test_settings__bad_values_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(FraudopsError, match=message):
        ServingSettings.from_env(environ)
