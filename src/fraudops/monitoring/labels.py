"""Labels that arrive after the predictions: a CSV or Parquet file of record id and label."""

from __future__ import annotations

import dataclasses
import pathlib

import pandas as pd

from fraudops.core.contract import Contract
from fraudops.errors import FraudopsError
from fraudops.io.datasets import read_table
from fraudops.monitoring.logs import RECORD_ID

LABEL = "label"


@dataclasses.dataclass(frozen=True)
class Labelled:
    frame: pd.DataFrame  # the window's records that have a label, with a ``label`` column
    labels: int  # rows in the labels file
    unmatched: int  # labels for records not in the window
    conflicting: int  # record ids labelled twice with different labels (the last one kept)


def _pick(frame: pd.DataFrame, names: list[str], what: str, source: str) -> str:
    for name in names:
        if name in frame.columns:
            return name
    raise FraudopsError(
        f"{source}: no {what} column (expected one of {', '.join(names)}; "
        f"found {', '.join(map(str, frame.columns))})"
    )


def read_labels(path: pathlib.Path | str, contract: Contract) -> pd.DataFrame:
    """``record_id`` (str) and ``label`` (0/1) from a labels file; duplicates keep the last."""
    source = str(path)
    raw = read_table(source)
    id_column = _pick(raw, [RECORD_ID, contract.id_column], "record id", source)
    label_column = _pick(raw, [LABEL, contract.label], "label", source)
    values = raw[label_column]
    if values.dtype == bool:
        values = values.astype(int)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | ~numbers.isin([0, 1])
    if bad.any():
        examples = sorted({str(v) for v in values[bad].head(5)})
        raise FraudopsError(
            f"{source}: {label_column} must be 0 or 1; {int(bad.sum())} row(s) are not, "
            f"e.g. {', '.join(examples)}"
        )
    return pd.DataFrame({RECORD_ID: raw[id_column].astype(str), LABEL: numbers.astype(int)})


def join_labels(records: pd.DataFrame, labels: pd.DataFrame) -> Labelled:
    """The records that have a label; counts of labels that match nothing or disagree."""
    distinct = labels.drop_duplicates()
    conflicting = int(distinct[RECORD_ID].duplicated().sum())
    latest = labels.drop_duplicates(RECORD_ID, keep="last")
    joined = records.merge(latest, on=RECORD_ID, how="inner", validate="one_to_one")
    return Labelled(
        frame=joined,
        labels=len(labels),
        unmatched=len(latest) - len(joined),
        conflicting=conflicting,
    )
