"""The data contract that validate_data checks before Deepchecks: the declared columns are
present with their declared types, the label is binary with both classes, there are rows, no
number is impossible (negative or not finite) and no two rows with the same features disagree
on the label. Plain pandas, so a frame Deepchecks could not even load still gets a verdict.

Conflicting Labels is here rather than Deepchecks' own check, which costs 8 CPU-seconds per
100k rows; sampling would hide the pairs it looks for, this exact version takes a fraction of a
second."""

from __future__ import annotations

import dataclasses

import pandas as pd

from fraudops.checks.outcome import CheckOutcome, Direction
from fraudops.config import CheckRule, Columns, DataIntegrityRules
from fraudops.core.feature_rules import DEFAULT_LOWER_BOUND, NumericRange


@dataclasses.dataclass(frozen=True)
class ContractResult:
    outcomes: tuple[CheckOutcome, ...]
    # Why Deepchecks cannot run on this frame ("" when it can).
    unusable: str


def judge(
    key: str,
    name: str,
    rule: CheckRule,
    figure: float,
    *,
    direction: Direction,
    threshold: float,
    condition: str,
    detail: str = "",
) -> CheckOutcome:
    """An outcome from a figure held to a threshold; ``rule.gate`` decides fail or warn."""
    breached = figure > threshold if direction == "max" else figure < threshold
    return CheckOutcome(
        key=key,
        name=name,
        status=rule.gate if breached else "pass",  # type: ignore[arg-type]
        gate=rule.gate,
        figure=float(figure),
        threshold=float(threshold),
        direction=direction,
        condition=condition,
        detail=detail if breached else "",
    )


def _expected_kind(name: str, columns: Columns) -> str:
    if name in columns.numeric or name == columns.label:
        return "numeric"
    if name == columns.timestamp:
        return "datetime"
    if name in columns.categorical:
        return "string"
    return "any"


def _has_kind(series: pd.Series, kind: str) -> bool:
    types = pd.api.types
    if kind == "numeric":
        return bool(types.is_numeric_dtype(series)) and not types.is_bool_dtype(series)
    if kind == "datetime":
        return bool(types.is_datetime64_any_dtype(series))
    if kind == "string":
        return bool(
            types.is_object_dtype(series)
            or types.is_string_dtype(series)
            or isinstance(series.dtype, pd.CategoricalDtype)
        )
    return True


def _type_problems(frame: pd.DataFrame, columns: Columns) -> list[str]:
    problems = []
    for name in [columns.id, columns.timestamp, *columns.features, columns.label]:
        if name not in frame.columns:
            continue
        kind = _expected_kind(name, columns)
        if not _has_kind(frame[name], kind):
            values = frame[name].dropna()
            example = f", e.g. {values.iloc[0]!r}" if len(values) else ""
            problems.append(f"{name} is {frame[name].dtype}, declared {kind}{example}")
    return problems


def _impossible(frame: pd.DataFrame, columns: Columns) -> tuple[pd.Series, list[str]]:
    """Rows with a number outside its feature's allowed range (or not finite), and which
    columns (``fraudops.core.feature_rules``)."""
    bad_rows = pd.Series(False, index=frame.index)
    notes = []
    allowed = NumericRange(lower=DEFAULT_LOWER_BOUND)
    for name in columns.numeric:
        if name not in frame.columns or not _has_kind(frame[name], "numeric"):
            continue
        values = frame[name].astype(float)
        bad = values.notna() & ~allowed.accepts(values.to_numpy())
        if bad.any():
            notes.append(f"{name}: {int(bad.sum())} row(s), e.g. {values[bad].iloc[0]!r}")
            bad_rows |= bad
    return bad_rows, notes


def _conflicts(frame: pd.DataFrame, columns: Columns) -> tuple[pd.Series, str]:
    """Rows whose features equal another row's while their labels differ."""
    features = [name for name in columns.features if name in frame.columns]
    if not features or columns.label not in frame.columns or frame.empty:
        return pd.Series(False, index=frame.index), ""
    labels = frame.groupby(features, dropna=False, sort=False)[columns.label].transform("nunique")
    conflicting = labels > 1
    if not conflicting.any():
        return conflicting, ""
    ids = (
        frame.loc[conflicting, columns.id]
        if columns.id in frame.columns
        else frame.index[conflicting]
    )
    example = ", ".join(map(str, list(ids[:4])))
    return (
        conflicting,
        f"{int(conflicting.sum())} row(s) share their features with a row of the other "
        f"label, e.g. {example}",
    )


def check_contract(
    frame: pd.DataFrame, columns: Columns, rules: DataIntegrityRules
) -> ContractResult:
    """Judge ``frame`` against the declared column roles in ``params.yaml``."""
    outcomes: list[CheckOutcome] = []
    unusable: list[str] = []

    def add(
        key: str,
        name: str,
        figure: float,
        *,
        direction: Direction,
        default: float,
        condition: str,
        detail: str,
    ) -> None:
        rule: CheckRule = getattr(rules, key)
        if rule.gate == "off":
            return
        threshold = rule.threshold if rule.threshold is not None else default
        outcomes.append(
            judge(
                key,
                name,
                rule,
                figure,
                direction=direction,
                threshold=threshold,
                condition=condition,
                detail=detail,
            )
        )

    rows = len(frame)
    add(
        "data_not_empty",
        "Data Not Empty",
        rows,
        direction="min",
        default=1,
        condition="the number of rows is at least the threshold",
        detail=f"the data has {rows} row(s)",
    )
    if rows == 0:
        unusable.append("the data has no rows")

    declared = [columns.id, columns.timestamp, *columns.features, columns.label]
    missing = [name for name in declared if name not in frame.columns]
    add(
        "declared_columns",
        "Declared Columns",
        len(missing),
        direction="max",
        default=0,
        condition="every column declared in data.columns is present",
        detail=f"missing: {', '.join(missing)} (found: {', '.join(map(str, frame.columns))})",
    )
    if missing:
        unusable.append(f"declared column(s) missing: {', '.join(missing)}")

    problems = _type_problems(frame, columns)
    add(
        "declared_types",
        "Declared Types",
        len(problems),
        direction="max",
        default=0,
        condition="each declared column has its declared type",
        detail="; ".join(problems),
    )
    unusable.extend(problems)

    if columns.label in frame.columns:
        labels = pd.to_numeric(frame[columns.label], errors="coerce")
        not_binary = labels.isna() | ~labels.isin([0, 1])
        found = sorted(map(str, frame.loc[not_binary, columns.label].unique()))[:5]
        add(
            "label_binary",
            "Label Binary",
            int(not_binary.sum()),
            direction="max",
            default=0,
            condition=f"every {columns.label} is 0 or 1",
            detail=f"{int(not_binary.sum())} value(s) not 0 or 1: {', '.join(found)}",
        )
        if not_binary.any():
            unusable.append(f"the label {columns.label} is not binary")
        counts = {value: int((labels == value).sum()) for value in (0, 1)}
        add(
            "label_classes",
            "Label Classes",
            min(counts.values()),
            direction="min",
            default=1,
            condition="the rarer label class has at least the threshold rows",
            detail=f"{columns.label} counts: 0 -> {counts[0]}, 1 -> {counts[1]}",
        )

    conflicting, note = _conflicts(frame, columns)
    add(
        "conflicting_labels",
        "Conflicting Labels",
        float(conflicting.mean()) if rows else 0.0,
        direction="max",
        default=0.0,
        condition="share of rows whose features equal a row with the other label",
        detail=note,
    )

    bad_rows, notes = _impossible(frame, columns)
    add(
        "impossible_values",
        "Impossible Values",
        float(bad_rows.mean()) if rows else 0.0,
        direction="max",
        default=0.0,
        condition="share of rows with a number that is not "
        + NumericRange(lower=DEFAULT_LOWER_BOUND).describe(),
        detail="; ".join(notes),
    )
    return ContractResult(tuple(outcomes), "; ".join(unusable))
