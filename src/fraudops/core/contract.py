"""The feature contract a model bundle carries: what the model accepts, and where it came from.

Serving, batch scoring and monitoring read the contract from the bundle, never from the current
``params.yaml``, so an old model keeps its own schema.
"""

from __future__ import annotations

import typing

import numpy as np
import pandas as pd
import pydantic

from fraudops.config import Columns

CONTRACT_VERSION = 1


class Feature(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: typing.Literal["numeric", "categorical"]
    dtype: str
    minimum: float | None = None
    maximum: float | None = None
    categories: list[str] | None = None


class Contract(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    contract_version: int = CONTRACT_VERSION
    model_name: str
    model_version: str
    classifier: str
    id_column: str
    timestamp_column: str
    label: str
    features: list[Feature]
    threshold: float
    threshold_objective: str
    costs: dict[str, float]
    metrics: dict[str, float]
    best_params: dict[str, typing.Any]
    data_hash: str
    params_hash: str
    git_commit: str
    mlflow_run_id: str | None = None
    created_at: str
    checksum: str = ""

    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.features]

    @property
    def numeric(self) -> list[str]:
        return [f.name for f in self.features if f.kind == "numeric"]

    @property
    def categorical(self) -> list[str]:
        return [f.name for f in self.features if f.kind == "categorical"]

    def feature(self, name: str) -> Feature:
        return next(f for f in self.features if f.name == name)


def describe_features(frame: pd.DataFrame, columns: Columns) -> list[Feature]:
    """Types, ranges and category sets as seen in the training data."""
    features = []
    for name in columns.numeric:
        values = pd.to_numeric(frame[name], errors="coerce")
        integer = pd.api.types.is_integer_dtype(frame[name])
        features.append(
            Feature(
                name=name,
                kind="numeric",
                dtype="int" if integer else "float",
                minimum=float(np.nanmin(values)),
                maximum=float(np.nanmax(values)),
            )
        )
    for name in columns.categorical:
        categories = sorted(str(v) for v in frame[name].dropna().unique())
        features.append(
            Feature(name=name, kind="categorical", dtype="string", categories=categories)
        )
    return features


def row_problems(frame: pd.DataFrame, contract: Contract) -> pd.Series:
    """Why each row breaks the contract ("" when it does not): missing values, wrong types,
    negative or non-finite numbers, unknown categories. Ranges seen in training are not
    enforced: values outside them are valid inputs and a matter for drift monitoring."""
    reasons = pd.Series("", index=frame.index, dtype=object)

    def add(mask: pd.Series, text: str) -> None:
        reasons.loc[mask] = reasons.loc[mask] + np.where(reasons.loc[mask] == "", "", "; ") + text

    for feature in contract.features:
        if feature.name not in frame.columns:
            add(pd.Series(True, index=frame.index), f"{feature.name}: missing")
            continue
        column = frame[feature.name]
        missing = column.isna()
        add(missing, f"{feature.name}: missing")
        if feature.kind == "numeric":
            numbers = pd.to_numeric(column, errors="coerce")
            add(~missing & numbers.isna(), f"{feature.name}: not a number")
            finite = numbers.notna() & ~np.isfinite(numbers.astype(float))
            add(finite, f"{feature.name}: not finite")
            add(numbers < 0, f"{feature.name}: negative")
        else:
            allowed = set(feature.categories or [])
            add(~missing & ~column.astype(str).isin(allowed), f"{feature.name}: unknown category")
    return reasons
