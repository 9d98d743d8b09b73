"""Reading source data (CSV, Parquet, a Parquet folder, or any fsspec URI) and checking it
against the declared column roles."""

from __future__ import annotations

import pathlib

import fsspec
import pandas as pd
import pyarrow

from fraudops.config import Columns
from fraudops.errors import FraudopsError
from fraudops.io.files import atomic_path


def _format(source: str) -> str:
    lowered = source.lower().rstrip("/")
    if lowered.endswith((".csv", ".csv.gz", ".csv.zip")):
        return "csv"
    if lowered.endswith((".parquet", ".pq")):
        return "parquet"
    fs, path = fsspec.core.url_to_fs(source)
    if fs.isdir(path):
        return "parquet"
    raise FraudopsError(
        f"data.source: cannot tell the format of {source!r}; "
        "use a .csv or .parquet file or a folder of Parquet files"
    )


def read_table(source: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a CSV or Parquet source; a clear error if it is missing, empty or unreadable."""
    fs, path = fsspec.core.url_to_fs(source)
    if not fs.exists(path):
        raise FraudopsError(f"data file not found: {source}")
    kind = _format(source)
    try:
        if kind == "csv":
            with fsspec.open(source, "rb", compression="infer") as handle:
                return pd.read_csv(handle)
        return pd.read_parquet(path, filesystem=fs, columns=columns)
    except pd.errors.EmptyDataError:
        raise FraudopsError(f"data file is empty: {source}") from None
    except (pyarrow.ArrowInvalid, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise FraudopsError(f"cannot read {source} as {kind}: {error}") from None


def conform(frame: pd.DataFrame, columns: Columns, source: str) -> pd.DataFrame:
    """Keep the declared columns with their declared types, or stop naming what is wrong."""
    if frame.empty:
        raise FraudopsError(f"data file is empty: {source} (no rows)")
    declared = [columns.id, columns.timestamp, *columns.features, columns.label]
    missing = [name for name in declared if name not in frame.columns]
    if missing:
        raise FraudopsError(
            f"{source}: declared column(s) missing: {', '.join(missing)} "
            f"(found: {', '.join(map(str, frame.columns))})"
        )
    out = frame[declared].copy()
    problems = []
    for name in columns.numeric:
        if not pd.api.types.is_numeric_dtype(out[name]):
            converted = pd.to_numeric(out[name], errors="coerce")
            bad = converted.isna() & out[name].notna()
            if bad.any():
                example = out.loc[bad, name].iloc[0]
                problems.append(
                    f"{name} should be numeric but has {int(bad.sum())} "
                    f"non-numeric value(s), e.g. {example!r}"
                )
                continue
            out[name] = converted
    stamps = pd.to_datetime(out[columns.timestamp], errors="coerce", utc=False)
    if stamps.isna().any():
        problems.append(
            f"{columns.timestamp} should be a timestamp but has "
            f"{int(stamps.isna().sum())} unparseable value(s)"
        )
    else:
        out[columns.timestamp] = stamps.astype("datetime64[ns]")
    labels = pd.to_numeric(out[columns.label], errors="coerce")
    if labels.isna().any() or not set(labels.unique()) <= {0, 1}:
        problems.append(
            f"{columns.label} (the label) must be 0 or 1; found "
            f"{sorted(map(str, out[columns.label].dropna().unique()))[:5]}"
        )
    else:
        out[columns.label] = labels.astype(int)
    if problems:
        raise FraudopsError(f"{source}: " + "; ".join(problems))
    for name in columns.categorical:
        out[name] = out[name].astype("string").astype(object)
    out[columns.id] = out[columns.id].astype(str)
    return out.sort_values(columns.timestamp, kind="stable").reset_index(drop=True)


def write_parquet(frame: pd.DataFrame, path: pathlib.Path) -> None:
    with atomic_path(path) as temp:
        frame.to_parquet(temp, index=False)


def read_parquet(path: pathlib.Path) -> pd.DataFrame:
    if not path.is_file():
        raise FraudopsError(f"missing input {path}: run the earlier stages first (dvc repro)")
    return pd.read_parquet(path)
