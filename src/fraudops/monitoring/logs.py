"""Reading the prediction logs of a time window, accounting for every line.

Log files are read, never changed or removed. Every line ends up in exactly one count: used,
outside the window, duplicate (a ``record_id`` seen before), malformed (not JSON, not a
``PredictionRecord``, a score outside [0, 1]) or invalid (a contract feature missing or not a
number). Malformed and invalid lines are listed with their file and line number.

Files still being written (``*.jsonl.open``) are skipped and listed unless ``include_open``
is set; then their last line, when it has no newline yet, is counted as incomplete rather than
malformed.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import logging
import math
import pathlib

import numpy as np
import pandas as pd
import pydantic

from fraudops.core.contract import Contract
from fraudops.errors import FraudopsError
from fraudops.scoring.prediction_log import PredictionRecord

log = logging.getLogger(__name__)

CLOSED_GLOB = "predictions-*.jsonl"
OPEN_GLOB = "predictions-*.jsonl.open"
# Columns of the frame of records; features follow them.
RECORD_ID, LOGGED_AT, VERSION, SCORE, DECISION = (
    "record_id",
    "logged_at",
    "bundle_version",
    "score",
    "decision",
)


@dataclasses.dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1-based; 0 when the whole file could not be read
    reason: str


@dataclasses.dataclass(frozen=True)
class Window:
    since: dt.datetime  # inclusive, UTC
    until: dt.datetime  # exclusive, UTC

    @property
    def name(self) -> str:
        """A file-name-safe label: dates when both ends are midnights, else minutes."""
        if self.since.time() == dt.time() and self.until.time() == dt.time():
            return f"{self.since:%Y-%m-%d}_{self.until:%Y-%m-%d}"
        return f"{self.since:%Y%m%dT%H%MZ}_{self.until:%Y%m%dT%H%MZ}"


@dataclasses.dataclass
class LogScan:
    """The records of the window (one row each, features as columns) and the accounting."""

    frame: pd.DataFrame
    files: list[str] = dataclasses.field(default_factory=list)
    open_files_skipped: list[str] = dataclasses.field(default_factory=list)
    empty_files: list[str] = dataclasses.field(default_factory=list)
    lines: int = 0
    outside_window: int = 0
    duplicates: int = 0
    incomplete: int = 0
    malformed: list[Problem] = dataclasses.field(default_factory=list)
    invalid: list[Problem] = dataclasses.field(default_factory=list)
    bundle_versions: dict[str, int] = dataclasses.field(default_factory=dict)
    seen_from: dt.datetime | None = None
    seen_until: dt.datetime | None = None

    def counts(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "lines": self.lines,
            "used": len(self.frame),
            "outside_window": self.outside_window,
            "duplicates": self.duplicates,
            "incomplete": self.incomplete,
            "malformed": len(self.malformed),
            "invalid_features": len(self.invalid),
        }

    def describe(self) -> str:
        seen = (
            f"; records span {self.seen_from:%Y-%m-%d %H:%M} to {self.seen_until:%Y-%m-%d %H:%M}"
            if self.seen_from and self.seen_until
            else ""
        )
        counts = ", ".join(f"{k} {v}" for k, v in self.counts().items() if k != "used")
        return f"{counts}{seen}"


def _utc(stamp: dt.datetime) -> dt.datetime:
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


def _reason(error: pydantic.ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


@dataclasses.dataclass
class _Collected:
    records: list[PredictionRecord] = dataclasses.field(default_factory=list)
    stamps: list[dt.datetime] = dataclasses.field(default_factory=list)  # logged_at in UTC
    places: list[tuple[str, int]] = dataclasses.field(default_factory=list)


def _read_file(
    path: pathlib.Path, window: Window, scan: LogScan, out: _Collected, *, still_open: bool
) -> None:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        scan.malformed.append(Problem(name, 0, f"cannot read the file: {error.strerror}"))
        return
    scan.files.append(name)
    if not data.strip():
        scan.empty_files.append(name)
        return
    lines = data.split(b"\n")
    unterminated = len(lines) - 1 if not data.endswith(b"\n") else -1
    for index, raw in enumerate(lines):
        if not raw.strip():
            continue
        scan.lines += 1
        number = index + 1
        if still_open and index == unterminated:
            scan.incomplete += 1
            continue
        try:
            record = PredictionRecord.model_validate_json(raw)
        except pydantic.ValidationError as error:
            reason = _reason(error)
            if index == unterminated:
                reason = f"truncated last line ({reason})"
            scan.malformed.append(Problem(name, number, reason))
            continue
        if not (math.isfinite(record.score) and 0.0 <= record.score <= 1.0):
            scan.malformed.append(Problem(name, number, f"score {record.score} not in [0, 1]"))
            continue
        stamp = _utc(record.logged_at)
        scan.seen_from = min(scan.seen_from or stamp, stamp)
        scan.seen_until = max(scan.seen_until or stamp, stamp)
        if not window.since <= stamp < window.until:
            scan.outside_window += 1
            continue
        out.records.append(record)
        out.stamps.append(stamp)
        out.places.append((name, number))


def _invalid_rows(features: pd.DataFrame, contract: Contract) -> pd.Series:
    """Why each row cannot be monitored ("" when it can): a missing or non-numeric feature."""
    reasons = pd.Series("", index=features.index, dtype=object)
    for feature in contract.features:
        if feature.name not in features.columns:
            reasons[:] = reasons + f"{feature.name} missing; "
            continue
        column = features[feature.name]
        bad = column.isna()
        text = "missing"
        if feature.kind == "numeric":
            numbers = pd.to_numeric(column, errors="coerce")
            bad = numbers.isna() | ~np.isfinite(numbers.astype(float))
            text = "missing or not a finite number"
        reasons[bad] = reasons[bad] + f"{feature.name} {text}; "
    return reasons.str.rstrip("; ")


def _to_frame(collected: _Collected, contract: Contract, scan: LogScan) -> pd.DataFrame:
    records = collected.records
    features = pd.DataFrame.from_records([r.features for r in records])
    reasons = _invalid_rows(features, contract)
    for position in np.flatnonzero(reasons.to_numpy() != ""):
        file, line = collected.places[position]
        scan.invalid.append(Problem(file, line, str(reasons.iat[position])))
    frame = pd.DataFrame(
        {
            RECORD_ID: [r.record_id for r in records],
            LOGGED_AT: pd.to_datetime(collected.stamps, utc=True),
            VERSION: [r.bundle_version for r in records],
            SCORE: np.array([r.score for r in records], dtype=float),
            DECISION: np.array([r.decision for r in records], dtype=bool),
        }
    )
    for feature in contract.features:
        column = features.get(feature.name, pd.Series(index=features.index, dtype=object))
        if feature.kind == "numeric":
            frame[feature.name] = pd.to_numeric(column, errors="coerce").astype(float)
        else:
            frame[feature.name] = column.astype(str)
    frame = frame.loc[reasons.to_numpy() == ""]
    before = len(frame)
    frame = frame.drop_duplicates(RECORD_ID, keep="first")
    scan.duplicates = before - len(frame)
    scan.bundle_versions = dict(collections.Counter(frame[VERSION]))
    return frame.sort_values(LOGGED_AT, kind="stable").reset_index(drop=True)


def read_logs(
    directory: pathlib.Path, window: Window, contract: Contract, *, include_open: bool = False
) -> LogScan:
    """The window's records from ``predictions-*.jsonl`` files in ``directory``."""
    if not directory.is_dir():
        raise FraudopsError(f"prediction log folder not found: {directory}")
    closed = sorted(directory.glob(CLOSED_GLOB))
    still_open = sorted(directory.glob(OPEN_GLOB))
    if not closed and not still_open:
        raise FraudopsError(f"no prediction log files ({CLOSED_GLOB}) in {directory}")
    scan = LogScan(frame=pd.DataFrame())
    collected = _Collected()
    for path in closed:
        _read_file(path, window, scan, collected, still_open=False)
    for path in still_open:
        if include_open:
            _read_file(path, window, scan, collected, still_open=True)
        else:
            scan.open_files_skipped.append(str(path))
    scan.frame = _to_frame(collected, contract, scan)
    for kind, problems in (("malformed", scan.malformed), ("invalid", scan.invalid)):
        if problems:
            first = problems[0]
            log.warning(
                "%d %s line(s) skipped, first %s:%d: %s",
                len(problems),
                kind,
                first.file,
                first.line,
                first.reason,
            )
    if scan.open_files_skipped:
        log.info(
            "%d file(s) still being written skipped (--include-open reads them)",
            len(scan.open_files_skipped),
        )
    return scan
