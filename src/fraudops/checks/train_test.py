"""validate_split: Deepchecks' train-test validation suite on the training and test periods
(drift of features and label, new categories and labels, leakage of dates, ids and rows)."""

from __future__ import annotations

import pandas as pd

from fraudops.checks.runner import Roles, SuiteRun, make_dataset, run_gate
from fraudops.checks.spec import Spec, largest, ratio
from fraudops.config import Checks, Columns

SUITE = "train_test_validation"
TITLE = "Train-test validation"

SPECS: tuple[Spec, ...] = (
    Spec(
        "datasets_size_comparison",
        "DatasetsSizeComparison",
        "min",
        lambda v: v["Test"] / v["Train"],
        "add_condition_test_train_size_ratio_greater_than",
        ("ratio",),
    ),
    Spec(
        "new_label_train_test",
        "NewLabelTrainTest",
        "max",
        lambda v: len(v["new_labels"]),
        "add_condition_new_labels_number_less_or_equal",
        ("max_new",),
        integer=True,
    ),
    Spec(
        "new_category_train_test",
        "NewCategoryTrainTest",
        "max",
        lambda v: largest(v["Ratio of New Categories"]),
        "add_condition_new_category_ratio_less_or_equal",
        ("max_ratio",),
    ),
    Spec(
        "string_mismatch_comparison",
        "StringMismatchComparison",
        "max",
        lambda v: sum(len(forms) for forms in v.values()),
        "add_condition_no_new_variants",
        fixed=0,
    ),
    Spec(
        "date_train_test_leakage_duplicates",
        "DateTrainTestLeakageDuplicates",
        "max",
        ratio,
        "add_condition_leakage_ratio_less_or_equal",
        ("max_ratio",),
    ),
    Spec(
        "date_train_test_leakage_overlap",
        "DateTrainTestLeakageOverlap",
        "max",
        ratio,
        "add_condition_leakage_ratio_less_or_equal",
        ("max_ratio",),
    ),
    Spec(
        "index_train_test_leakage",
        "IndexTrainTestLeakage",
        "max",
        ratio,
        "add_condition_ratio_less_or_equal",
        ("max_ratio",),
    ),
    Spec(
        "train_test_samples_mix",
        "TrainTestSamplesMix",
        "max",
        lambda v: ratio(v, "ratio"),
        "add_condition_duplicates_ratio_less_or_equal",
        ("max_ratio",),
    ),
    Spec(
        "feature_label_correlation_change",
        "FeatureLabelCorrelationChange",
        "max",
        lambda v: largest(abs(d) for d in v["train-test difference"].values()),
        "add_condition_feature_pps_difference_less_than",
        ("threshold",),
        sampled=True,
    ),
    Spec(
        "feature_drift",
        "FeatureDrift",
        "max",
        lambda v: largest(column["Drift score"] for column in v.values()),
        "add_condition_drift_score_less_than",
        ("max_allowed_categorical_score", "max_allowed_numeric_score"),
        sampled=True,
    ),
    Spec(
        "label_drift",
        "LabelDrift",
        "max",
        lambda v: v["Drift score"],
        "add_condition_drift_score_less_than",
        ("max_allowed_drift_score",),
        sampled=True,
    ),
    Spec(
        "multivariate_drift",
        "MultivariateDrift",
        "max",
        lambda v: v["domain_classifier_drift_score"],
        "add_condition_overall_drift_value_less_than",
        ("max_drift_value",),
        sampled=True,
    ),
)


def run_train_test(
    train: pd.DataFrame, test: pd.DataFrame, columns: Columns, cfg: Checks
) -> SuiteRun:
    """The validate_split verdict on the two periods, judged by the column roles in params."""
    roles = Roles.of_columns(columns)
    return run_gate(
        suite=SUITE,
        title=TITLE,
        specs=SPECS,
        rules=cfg.train_test_validation,
        cfg=cfg,
        rows={"train_rows": len(train), "test_rows": len(test)},
        prepare=lambda: {
            "train_dataset": make_dataset(train, roles),
            "test_dataset": make_dataset(test, roles),
        },
    )
