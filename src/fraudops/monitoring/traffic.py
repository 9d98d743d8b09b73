"""Simulated traffic: transactions from the generator (optionally drifted), scored by the
bundle's model and written straight into the prediction log format, with a labels file.

It stands in for the serving layer in demos, tests and the benchmark: the files it writes are
the ones the service writes (``PredictionRecord`` JSON lines, ``predictions-*.jsonl``, written
as ``.jsonl.open`` and renamed when complete), and ``logged_at`` is the transaction's time, so a
simulated week can be monitored as if it had been served.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import pathlib
import typing

import pandas as pd

from fraudops.config import DriftProfile, Generator
from fraudops.core.generator import generate_period
from fraudops.errors import FraudopsError
from fraudops.io.files import atomic_path
from fraudops.monitoring.labels import LABEL
from fraudops.monitoring.logs import RECORD_ID
from fraudops.scoring.engine import Engine
from fraudops.scoring.prediction_log import LogFileName, PredictionRecord

log = logging.getLogger(__name__)

# Named drift scenarios (the fields of the generator's DriftProfile); "params" takes the
# profile declared in params.yaml (data.generator.drift).
SCENARIOS: dict[str, dict[str, typing.Any]] = {
    "none": {},
    "amounts": {"amount_scale": 1.8},
    "merchants": {"risky_merchant_share": 0.3},
    "foreign": {"foreign_share": 0.3},
    "fraud-pattern": {"fraud_pattern": "low_amount_in_store"},
    "all": {
        "amount_scale": 1.8,
        "risky_merchant_share": 0.3,
        "foreign_share": 0.3,
        "fraud_pattern": "low_amount_in_store",
    },
}
ROWS_PER_FILE = 50_000


@dataclasses.dataclass(frozen=True)
class Traffic:
    files: list[pathlib.Path]
    labels: pathlib.Path | None
    rows: int
    fraud_rate: float
    since: dt.datetime
    until: dt.datetime


def drift_profile(scenario: str, generator: Generator, start: dt.date) -> DriftProfile | None:
    """The profile of a named scenario, starting at ``start``."""
    if scenario == "params":
        if generator.drift is None:
            raise FraudopsError("--drift params: params.yaml sets no data.generator.drift")
        return generator.drift
    if scenario not in SCENARIOS:
        raise FraudopsError(
            f"unknown drift scenario {scenario!r}: choose one of "
            f"{', '.join([*SCENARIOS, 'params'])}"
        )
    fields = SCENARIOS[scenario]
    return DriftProfile(start=start, **fields) if fields else None


def transactions(
    generator: Generator,
    *,
    scenario: str,
    start: dt.date,
    days: int,
    rows: int,
    drift_start_day: int = 0,
    seed_offset: int = 1,
) -> pd.DataFrame:
    """``rows`` labelled transactions over ``days`` days from ``start``, drifted as asked."""
    if days < 1 or rows < 1:
        raise FraudopsError("traffic needs at least one day and one row")
    profile = drift_profile(scenario, generator, start + dt.timedelta(days=drift_start_day))
    cfg = generator.model_copy(update={"drift": profile})
    end = start + dt.timedelta(days=days - 1)
    return generate_period(cfg, start, end, rows, seed_offset=seed_offset)


def _records(
    frame: pd.DataFrame, scores: typing.Sequence[float], engine: Engine, run: str
) -> typing.Iterator[PredictionRecord]:
    contract = engine.contract
    features = frame[contract.feature_names].to_dict(orient="records")
    ids = frame[contract.id_column].astype(str).to_numpy()
    stamps = pd.to_datetime(frame[contract.timestamp_column]).dt.tz_localize("UTC")
    for index, (tx, stamp, score, values) in enumerate(
        zip(ids, stamps, scores, features, strict=True)
    ):
        yield PredictionRecord(
            record_id=f"{run}-{tx}",
            request_id=f"{run}-{index:09d}",
            logged_at=stamp.to_pydatetime(),
            model_name=contract.model_name,
            bundle_version=contract.bundle_version,
            score=float(score),
            decision=bool(score >= contract.threshold),
            features=values,
        )


def write_prediction_log(
    frame: pd.DataFrame,
    engine: Engine,
    directory: pathlib.Path,
    *,
    run: str,
    rows_per_file: int = ROWS_PER_FILE,
) -> list[pathlib.Path]:
    """Score ``frame`` and write its records as the service would; returns the files."""
    directory.mkdir(parents=True, exist_ok=True)
    scores = engine.predict_proba(frame)
    files = []
    records = _records(frame, list(scores), engine, run)
    stamps = pd.to_datetime(frame[engine.contract.timestamp_column]).dt.tz_localize("UTC")
    taken = {path.name for path in directory.iterdir()}
    seq = 0
    for begin in range(0, len(frame), rows_per_file):
        end = min(begin + rows_per_file, len(frame))
        while True:  # the service's naming (host "traffic"), the next free sequence number
            name = LogFileName(
                start=stamps.iloc[begin:end].min().to_pydatetime(),
                host="traffic",
                pid=os.getpid(),
                seq=seq,
            )
            seq += 1
            final = directory / name.complete_name(stamps.iloc[begin:end].max().to_pydatetime())
            if final.name not in taken and name.open_name() not in taken:
                break
        still_open = directory / name.open_name()
        with still_open.open("w", encoding="utf-8") as handle:
            for _ in range(end - begin):
                handle.write(next(records).model_dump_json() + "\n")
        os.replace(still_open, final)
        taken.add(final.name)
        files.append(final)
    return files


def write_labels(frame: pd.DataFrame, engine: Engine, path: pathlib.Path, *, run: str) -> None:
    """``record_id,label`` for every transaction, as a fraud team would send them later."""
    contract = engine.contract
    labels = pd.DataFrame(
        {
            RECORD_ID: run + "-" + frame[contract.id_column].astype(str),
            LABEL: frame[contract.label].astype(int),
        }
    )
    with atomic_path(path) as temp:
        if path.suffix in (".parquet", ".pq"):
            labels.to_parquet(temp, index=False)
        else:
            labels.to_csv(temp, index=False)


def simulate_traffic(
    *,
    generator: Generator,
    engine: Engine,
    scenario: str,
    until: dt.date,
    days: int,
    rows: int,
    log_dir: pathlib.Path,
    labels_path: pathlib.Path | None,
    drift_start_day: int = 0,
    seed_offset: int = 1,
) -> Traffic:
    """Traffic for the ``days`` days before ``until``, logged and (optionally) labelled."""
    start = until - dt.timedelta(days=days)
    frame = transactions(
        generator,
        scenario=scenario,
        start=start,
        days=days,
        rows=rows,
        drift_start_day=drift_start_day,
        seed_offset=seed_offset,
    )
    # Ids stay unique across simulated runs, so their labels never join the wrong record.
    run = f"sim{start:%Y%m%d}s{seed_offset}"
    files = write_prediction_log(frame, engine, log_dir, run=run)
    if labels_path is not None:
        write_labels(frame, engine, labels_path, run=run)
    rate = float(frame[engine.contract.label].mean())
    log.info(
        "simulated %d transactions (%s drift from day %d) into %d file(s) in %s",
        len(frame),
        scenario,
        drift_start_day,
        len(files),
        log_dir,
    )
    since = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    return Traffic(
        files=files,
        labels=labels_path,
        rows=len(frame),
        fraud_rate=rate,
        since=since,
        until=since + dt.timedelta(days=days),
    )
