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
from fraudops.core.feature_rules import DEFAULT_LOWER_BOUND, NumericRange, known_category

CONTRACT_VERSION = 2  # 2: model_version (the bundle's timestamp) became bundle_version


class Feature(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: typing.Literal["numeric", "categorical"]
    dtype: str
    minimum: float | None = None  # seen in training (not enforced)
    maximum: float | None = None
    lower_bound: float | None = None  # allowed range (enforced; None: unbounded)
    upper_bound: float | None = None
    categories: list[str] | None = None

    @property
    def allowed_range(self) -> NumericRange:
        return NumericRange(self.lower_bound, self.upper_bound)


class Contract(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    contract_version: int = CONTRACT_VERSION
    model_name: str
    bundle_version: str
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
                lower_bound=DEFAULT_LOWER_BOUND,
            )
        )
    for name in columns.categorical:
        categories = sorted(str(v) for v in frame[name].dropna().unique())
        features.append(
            Feature(name=name, kind="categorical", dtype="string", categories=categories)
        )
    return features


def row_problems(frame: pd.DataFrame, contract: Contract) -> pd.Series:
    """Why each row breaks the contract ("" when it does not): missing values, numbers that
    are not allowed (``fraudops.core.feature_rules``), unknown categories."""
    reasons = pd.Series("", index=frame.index, dtype=object)

    def add(mask: pd.Series | np.ndarray, text: str | pd.Series) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        body = text[mask] if isinstance(text, pd.Series) else text
        reasons.loc[mask] = reasons.loc[mask] + np.where(reasons.loc[mask] == "", "", "; ") + body

    for feature in contract.features:
        if feature.name not in frame.columns:
            add(np.ones(len(frame), dtype=bool), f"{feature.name}: missing")
            continue
        column = frame[feature.name]
        missing = column.isna().to_numpy()
        add(missing, f"{feature.name}: missing")
        if feature.kind == "numeric":
            problems = feature.allowed_range.problems(column)
            add((problems != "").to_numpy(), feature.name + ": " + problems)
        else:
            add(
                ~missing & ~known_category(column, feature.categories),
                f"{feature.name}: unknown category",
            )
    return reasons
