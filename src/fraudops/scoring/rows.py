"""Rows against the contract: why a row cannot be scored, and the valid rows in the form the
engines take, whatever types the input file used (text from a CSV, categoricals from Parquet
dictionaries, numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from fraudops.core.contract import Contract, row_problems
from fraudops.core.feature_rules import known_category


def _is_text(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.CategoricalDtype) or (
        column.dtype == object and pd.api.types.infer_dtype(column, skipna=False) == "string"
    )


def _ready(column: pd.Series, kind: str) -> bool:
    if kind == "numeric":
        return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    return _is_text(column)


def _converted(column: pd.Series, kind: str) -> pd.Series:
    if _ready(column, kind):
        return column
    return pd.to_numeric(column) if kind == "numeric" else column.astype(str)


def prepare_features(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """The contract's features of rows that satisfy it, as the model was trained on them:
    numbers as numbers, categories as text (whatever types the input file used). A frame that
    is already so is returned as it is: a copy of every chunk would cost more than the check."""
    features = contract.features
    if list(frame.columns) == contract.feature_names and all(
        _ready(frame[f.name], f.kind) for f in features
    ):
        return frame
    return pd.DataFrame(
        {f.name: _converted(frame[f.name], f.kind) for f in features}, index=frame.index
    )


def _valid(frame: pd.DataFrame, contract: Contract) -> np.ndarray:
    """A fast vector pass of the contract's rules: True where a row's features satisfy it.
    Rows it flags get ``row_problems``, which also says why."""
    ok = np.ones(len(frame), dtype=bool)
    for feature in contract.features:
        column = frame[feature.name]
        if feature.kind == "numeric":
            if not pd.api.types.is_numeric_dtype(column):
                column = pd.to_numeric(column, errors="coerce")
            ok &= feature.allowed_range.accepts(column.to_numpy(dtype=float, na_value=np.nan))
        else:
            ok &= known_category(column, feature.categories)
    return ok


def reject_reasons(
    frame: pd.DataFrame, contract: Contract, id_missing: np.ndarray | None = None
) -> pd.Series:
    """Why each rejected row cannot be scored, indexed like ``frame`` (valid rows absent): the
    contract's problems, and a missing id (a score nobody can match back is of no use).
    ``id_missing`` says where the id is missing when ``frame`` does not hold the ids."""
    if id_missing is None:
        id_missing = frame[contract.id_column].isna().to_numpy()
    suspect = id_missing | ~_valid(frame, contract)
    if not suspect.any():
        return pd.Series([], index=frame.index[:0], dtype=object)
    found = row_problems(frame.loc[suspect], contract)
    no_id = id_missing[suspect]
    text = f"{contract.id_column}: missing"
    found[no_id] = np.where(found[no_id] == "", text, text + "; " + found[no_id])
    return found[found != ""]


def arrow_text(values: pd.Series) -> pa.Array:
    """A column as Arrow strings (nulls kept), without a Python round trip when it is text."""
    try:
        return pa.array(values, from_pandas=True).cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pa.array(values.astype("string"), pa.string())
