"""Builds the scikit-learn Pipeline: preprocessing by column type and the chosen classifier."""

from __future__ import annotations

import typing

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

ClassifierName = typing.Literal["hist_gradient_boosting", "logistic_regression", "random_forest"]
CLASSIFIER_STEP = "classifier"


def _preprocessor(numeric: list[str], categorical: list[str], *, trees: bool) -> ColumnTransformer:
    if trees:
        # Trees need no scaling; ordinal codes keep the matrix dense and small.
        categories = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=-1,
            encoded_missing_value=-1,
            dtype=float,
        )
        numbers: Pipeline | SimpleImputer = SimpleImputer(strategy="median")
    else:
        categories = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        numbers = Pipeline(
            [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
        )
    return ColumnTransformer(
        [("numeric", numbers, numeric), ("categorical", categories, categorical)],
        remainder="drop",
        verbose_feature_names_out=False,
    )


def build_classifier(
    name: ClassifierName,
    *,
    class_weight: str | None,
    seed: int,
    params: dict[str, typing.Any] | None = None,
) -> typing.Any:
    params = dict(params or {})
    if name == "hist_gradient_boosting":
        # Ordinal codes are treated as numbers (no native categorical splits) so the fitted
        # model stays convertible to ONNX.
        return HistGradientBoostingClassifier(
            class_weight=class_weight,
            random_state=seed,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=15,
            **params,
        )
    if name == "logistic_regression":
        return LogisticRegression(
            class_weight=class_weight, max_iter=2000, random_state=seed, **params
        )
    if name == "random_forest":
        return RandomForestClassifier(
            class_weight=class_weight, random_state=seed, n_jobs=1, **params
        )
    raise ValueError(f"unknown classifier {name!r}")


def build_pipeline(
    name: ClassifierName,
    *,
    numeric: list[str],
    categorical: list[str],
    class_weight: str | None = "balanced",
    seed: int = 42,
    params: dict[str, typing.Any] | None = None,
) -> Pipeline:
    """A fresh, unfitted Pipeline for ``name`` with classifier ``params``."""
    trees = name != "logistic_regression"
    return Pipeline(
        [
            ("preprocess", _preprocessor(numeric, categorical, trees=trees)),
            (
                CLASSIFIER_STEP,
                build_classifier(name, class_weight=class_weight, seed=seed, params=params),
            ),
        ]
    )


def baseline_pipeline(numeric: list[str], *, seed: int = 42) -> Pipeline:
    """The simple model every candidate must beat: logistic regression on the numbers alone."""
    return build_pipeline(
        "logistic_regression", numeric=numeric, categorical=[], class_weight="balanced", seed=seed
    )
