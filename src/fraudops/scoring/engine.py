"""Scoring engines behind one interface, chosen by a setting.

Every consumer (batch scoring, the BentoML service, monitoring demos) asks ``load_engine`` for
an engine and calls ``predict_proba`` with a frame of the contract's features; it never touches
the pipeline directly, so a faster engine can be swapped in by configuration.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import typing

import numpy as np
import pandas as pd

from fraudops.core.contract import Contract
from fraudops.errors import FraudopsError
from fraudops.io.bundle import load_bundle

EngineName = typing.Literal["sklearn", "onnx"]
ENGINE_ENV = "FRAUDOPS_ENGINE"


class Engine(typing.Protocol):
    name: str
    contract: Contract

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        """Fraud probability per row (1-D), for a frame holding the contract's features."""
        ...


@dataclasses.dataclass
class SklearnEngine:
    pipeline: typing.Any
    contract: Contract
    name: str = "sklearn"

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        if features.empty:
            return np.empty(0, dtype=float)
        return np.asarray(self.pipeline.predict_proba(features[self.contract.feature_names])[:, 1])


def engine_name_from_env(default: EngineName = "sklearn") -> EngineName:
    value = os.environ.get(ENGINE_ENV, default)
    if value not in ("sklearn", "onnx"):
        raise FraudopsError(f"{ENGINE_ENV}={value!r}: choose sklearn or onnx")
    return typing.cast(EngineName, value)


def load_engine(bundle_dir: pathlib.Path | str, name: EngineName = "sklearn") -> Engine:
    """The engine ``name`` for the bundle in ``bundle_dir`` (checksum verified)."""
    bundle = load_bundle(bundle_dir)
    if name == "sklearn":
        return SklearnEngine(pipeline=bundle.pipeline, contract=bundle.contract)
    raise FraudopsError(f"scoring engine {name!r} is not available")
