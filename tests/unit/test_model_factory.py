"""The model factory builds a working pipeline for every classifier it offers."""

from __future__ import annotations

import typing

import numpy as np
import pandas as pd
import pytest

from fraudops.config import Params
from fraudops.core.model_factory import baseline_pipeline, build_pipeline


@pytest.mark.parametrize("name", ["hist_gradient_boosting", "logistic_regression", "random_forest"])
def test_build_pipeline__fits_and_scores(
    name: typing.Any, small_frame: pd.DataFrame, small_params: Params
) -> None:
    cols = small_params.data.columns
    pipeline = build_pipeline(name, numeric=cols.numeric, categorical=cols.categorical, seed=1)
    pipeline.fit(small_frame[cols.features], small_frame[cols.label])
    scores = pipeline.predict_proba(small_frame[cols.features].head(50))[:, 1]
    assert scores.shape == (50,)
    assert np.all((scores >= 0) & (scores <= 1))


def test_build_pipeline__unknown_category_is_scored(
    small_frame: pd.DataFrame, small_params: Params
) -> None:
    cols = small_params.data.columns
    pipeline = build_pipeline(
        "hist_gradient_boosting", numeric=cols.numeric, categorical=cols.categorical
    )
    pipeline.fit(small_frame[cols.features], small_frame[cols.label])
    row = small_frame[cols.features].head(1).copy()
    row["merchant_category"] = "never_seen"
    assert pipeline.predict_proba(row).shape == (1, 2)


def test_build_pipeline__params_reach_the_classifier(small_params: Params) -> None:
    cols = small_params.data.columns
    pipeline = build_pipeline(
        "random_forest",
        numeric=cols.numeric,
        categorical=cols.categorical,
        params={"n_estimators": 7},
    )
    assert pipeline.named_steps["classifier"].n_estimators == 7


def test_baseline_pipeline__uses_numbers_only(
    small_frame: pd.DataFrame, small_params: Params
) -> None:
    numeric = small_params.data.columns.numeric
    model = baseline_pipeline(numeric).fit(small_frame[numeric], small_frame["is_fraud"])
    assert model.predict_proba(small_frame[numeric].head(3)).shape == (3, 2)
