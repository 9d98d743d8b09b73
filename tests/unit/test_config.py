"""params.yaml is tested as data: the shipped file loads, known-bad ones name the key."""

from __future__ import annotations

import pathlib

import pytest
import yaml

from fraudops.config import load_params, parse_params
from fraudops.errors import FraudopsError
from tests.helpers import REPO, params_dict

INVALID = sorted((pathlib.Path(__file__).parent / "params" / "invalid").glob("*.yaml"))


def _merge(base: dict, patch: dict) -> dict:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def test_load_params__shipped_file_is_valid() -> None:
    params = load_params(REPO / "params.yaml")
    assert params.train.classifier == "hist_gradient_boosting"
    assert params.data.columns.label == "is_fraud"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_parse_params__invalid_file_names_the_key(path: pathlib.Path) -> None:
    expected = path.read_text().splitlines()[0].removeprefix("# expect: ")
    raw = _merge(params_dict(), yaml.safe_load(path.read_text()))
    with pytest.raises(FraudopsError) as caught:
        parse_params(raw, path)
    assert expected in str(caught.value)


def test_load_params__missing_file() -> None:
    with pytest.raises(FraudopsError, match="params file not found"):
        load_params("does-not-exist.yaml")


def test_load_params__bad_yaml(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text("train: [unclosed\n")
    with pytest.raises(FraudopsError, match="not valid YAML"):
        load_params(path)
