"""Deepchecks 0.19.1 works with the pinned stack (numpy<2, pandas<2.4, scikit-learn<1.8,
setuptools<81; see pyproject.toml): import its suites and run one, so that a dependency
update that breaks it fails on the next pull request rather than in the pipeline."""

from __future__ import annotations

import pandas as pd
import pytest

from fraudops.checks.library import deepchecks_module
from fraudops.core.split import split_by_time


@pytest.mark.slow
def test_deepchecks_pins__suites_import_and_a_suite_runs(small_frame: pd.DataFrame) -> None:
    suites = deepchecks_module("deepchecks.tabular.suites")
    tabular = deepchecks_module("deepchecks.tabular")
    core = deepchecks_module("deepchecks.core")
    assert {"data_integrity", "train_test_validation", "model_evaluation"} <= set(dir(suites))
    parts = split_by_time(small_frame.head(3000), "timestamp", test_start=None, test_fraction=0.3)
    features = [
        c for c in small_frame.columns if c not in ("transaction_id", "timestamp", "is_fraud")
    ]
    categorical = ["merchant_category", "channel", "country", "device_type"]

    def dataset(frame: pd.DataFrame) -> object:
        return tabular.Dataset(
            frame,
            label="is_fraud",
            features=features,
            cat_features=categorical,
            datetime_name="timestamp",
            index_name="transaction_id",
        )

    # The train-test suite exercises the pins: scorers (scikit-learn), applymap (pandas),
    # np.Inf (numpy) and pkg_resources (setuptools).
    result = suites.train_test_validation(n_samples=2000).run(
        dataset(parts.train), dataset(parts.test), with_display=False
    )
    failures = [r for r in result.results if isinstance(r, core.CheckFailure)]
    assert not failures, [(r.get_header(), repr(r.exception)) for r in failures]
    assert len(result.results) == 12
