"""validate_data: the contract of the declared columns, then Deepchecks' data integrity suite
(plus Percent Of Nulls: every declared feature is required) on the raw data."""

from __future__ import annotations

import time
import typing

import numpy as np
import pandas as pd

from fraudops.checks.declared_columns import check_contract
from fraudops.checks.runner import Roles, SuiteRun, make_dataset, run_gate
from fraudops.checks.spec import Spec, largest, ratio
from fraudops.config import Checks, Columns

SUITE = "data_integrity"
TITLE = "Data integrity"


def _outlier_share(quantiles: typing.Any, score: float = 0.7) -> float:
    return float((np.asarray(quantiles, dtype=float) > score).mean())


def _max_offdiagonal(matrix: pd.DataFrame) -> float:
    values = matrix.apply(pd.to_numeric, errors="coerce").abs().to_numpy(dtype=float)
    np.fill_diagonal(values, 0.0)
    return float(np.nanmax(values)) if values.size else 0.0


def _length_outliers(value: dict[str, typing.Any]) -> float | None:
    shares = []
    for column in value.values():
        outliers = sum(o["n_samples"] for o in column.get("outliers", []))
        shares.append(outliers / column["n_samples"] if outliers else 0.0)
    return largest(shares)


def _rarer_type(value: dict[str, typing.Any]) -> float | None:
    return largest(min(mix["strings"], mix["numbers"]) for mix in value.values() if mix)


# Checks of Deepchecks' data integrity suite that this gate leaves out, and why.
LEFT_OUT = {
    "ConflictingLabels": "replaced by an exact pandas version in contract.py (8x faster)",
}

SPECS: tuple[Spec, ...] = (
    Spec(
        "percent_of_nulls",
        "PercentOfNulls",
        "max",
        lambda v: largest(v["Percent of nulls in sample"]),
        "add_condition_percent_of_nulls_not_greater_than",
        ("threshold",),
    ),
    Spec(
        "is_single_value",
        "IsSingleValue",
        "max",
        lambda v: sum(1 for n in v.values() if n <= 1),
        "add_condition_not_single_value",
        fixed=0,
    ),
    Spec(
        "special_characters",
        "SpecialCharacters",
        "max",
        lambda v: largest(v.values()),
        "add_condition_ratio_of_special_characters_less_or_equal",
        ("max_ratio",),
    ),
    Spec(
        "mixed_nulls",
        "MixedNulls",
        "max",
        lambda v: largest(len(nulls) for nulls in v["columns"].values()),
        "add_condition_different_nulls_less_equal_to",
        ("max_allowed_null_types",),
        integer=True,
    ),
    Spec(
        "mixed_data_types",
        "MixedDataTypes",
        "none",
        _rarer_type,
        "add_condition_rare_type_ratio_not_in_range",
    ),
    Spec(
        "string_mismatch",
        "StringMismatch",
        "max",
        lambda v: sum(len(forms) for forms in v["columns"].values()),
        "add_condition_no_variants",
        fixed=0,
    ),
    Spec(
        "data_duplicates",
        "DataDuplicates",
        "max",
        lambda v: ratio(v, "percent_of_duplicates"),
        "add_condition_ratio_less_or_equal",
        ("max_ratio",),
    ),
    Spec(
        "string_length_out_of_bounds",
        "StringLengthOutOfBounds",
        "max",
        _length_outliers,
        "add_condition_ratio_of_outliers_less_or_equal",
        ("max_ratio",),
    ),
    Spec(
        "outlier_sample_detection",
        "OutlierSampleDetection",
        "max",
        _outlier_share,
        "add_condition_outlier_ratio_less_or_equal",
        ("max_outliers_ratio",),
        sampled=True,
    ),
    Spec(
        "feature_label_correlation",
        "FeatureLabelCorrelation",
        "max",
        lambda v: largest(v.values()),
        "add_condition_feature_pps_less_than",
        ("threshold",),
        sampled=True,
    ),
    Spec(
        "feature_feature_correlation",
        "FeatureFeatureCorrelation",
        "max",
        _max_offdiagonal,
        "add_condition_max_number_of_pairs_above_threshold",
        ("threshold",),
        sampled=True,
    ),
    Spec(
        "identifier_label_correlation",
        "IdentifierLabelCorrelation",
        "max",
        lambda v: largest(v.values()),
        "add_condition_pps_less_or_equal",
        ("max_pps",),
        sampled=True,
    ),
)


def run_data_integrity(frame: pd.DataFrame, columns: Columns, cfg: Checks) -> SuiteRun:
    """The validate_data verdict on a raw frame, judged by the column roles in params."""
    start = time.perf_counter()
    contract = check_contract(frame, columns, cfg.data_integrity)
    return run_gate(
        suite=SUITE,
        title=TITLE,
        specs=SPECS,
        rules=cfg.data_integrity,
        cfg=cfg,
        rows={"rows": len(frame)},
        prepare=lambda: {"train_dataset": make_dataset(frame, Roles.of_columns(columns))},
        before=contract.outcomes,
        unusable=contract.unusable,
        start=start,
    )
