"""Batch scoring at constant memory: stream chunks from disk, validate each row against the
bundle's contract, score the valid rows, stream scores and rejects to Parquet.

Memory is bounded by a few chunks whatever the input size: one being read ahead, one being
scored, and the Parquet writers' buffers. A row that breaks the contract goes to the rejects
file with its reasons; nothing is dropped silently and a bad row never stops the run. A missing
column, by contrast, is a problem with the whole input and stops before any work.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import logging
import queue
import threading
import time
import typing

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fraudops.core.contract import Contract, row_problems
from fraudops.errors import FraudopsError
from fraudops.scoring.chunks import Chunk, Shard, open_source, read_chunks, shard_rows
from fraudops.scoring.engine import Engine
from fraudops.scoring.summary import Layout, ShardSummary, merge, part_name

log = logging.getLogger(__name__)

DEFAULT_CHUNK_ROWS = 100_000
SCORE = "score"
DECISION = "decision"
MODEL_VERSION = "model_version"
ROW = "row"
REASON = "reason"


def scores_schema(contract: Contract) -> pa.Schema:
    return pa.schema(
        [
            (contract.id_column, pa.string()),
            (SCORE, pa.float64()),
            (DECISION, pa.bool_()),
            (MODEL_VERSION, pa.string()),
        ]
    )


def rejects_schema(contract: Contract) -> pa.Schema:
    values = [(name, pa.string()) for name in contract.feature_names]
    return pa.schema(
        [(contract.id_column, pa.string()), (ROW, pa.int64()), *values, (REASON, pa.string())]
    )


def _as_text(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.CategoricalDtype) or (
        column.dtype == object and pd.api.types.infer_dtype(column, skipna=False) == "string"
    ):
        return column  # already text: a copy would cost more than the check
    return column.astype(str)


def prepare_features(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """The contract's features of rows that satisfy it, as the model was trained on them:
    numbers as numbers, categories as text (whatever types the input file used)."""
    return pd.DataFrame(
        {
            f.name: pd.to_numeric(frame[f.name]) if f.kind == "numeric" else _as_text(frame[f.name])
            for f in contract.features
        },
        index=frame.index,
    )


def _surely_valid(frame: pd.DataFrame, contract: Contract) -> np.ndarray:
    """A fast first pass: True where a row certainly satisfies the contract. It may flag a
    valid row (e.g. a category of another type), never pass an invalid one: flagged rows get
    the full check, which also says why."""
    ok = frame[contract.id_column].notna().to_numpy()
    for feature in contract.features:
        column = frame[feature.name]
        if feature.kind == "numeric":
            if not pd.api.types.is_numeric_dtype(column):
                column = pd.to_numeric(column, errors="coerce")
            values = column.to_numpy(dtype=float, na_value=np.nan)
            with np.errstate(invalid="ignore"):
                ok &= np.isfinite(values) & (values >= 0)
        else:
            ok &= column.isin(feature.categories or []).to_numpy()
    return ok


def reject_reasons(frame: pd.DataFrame, contract: Contract) -> pd.Series:
    """Why each rejected row cannot be scored, indexed like ``frame`` (valid rows absent): the
    contract's problems, and a missing id (a score nobody can match back is of no use)."""
    suspect = ~_surely_valid(frame, contract)
    if not suspect.any():
        return pd.Series([], index=frame.index[:0], dtype=object)
    flagged = frame.loc[suspect]
    found = row_problems(flagged, contract)
    no_id = flagged[contract.id_column].isna()
    text = f"{contract.id_column}: missing"
    found[no_id] = np.where(found[no_id] == "", text, text + "; " + found[no_id])
    return found[found != ""]


def _text(values: pd.Series) -> pa.Array:
    """A column as Arrow strings (nulls kept), without a Python round trip when it is text."""
    try:
        return pa.array(values, from_pandas=True).cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pa.array(values.astype("string"), pa.string())


@dataclasses.dataclass(frozen=True)
class ScoredChunk:
    scores: pa.Table
    rejects: pa.Table
    reasons: collections.Counter[str]


def score_chunk(frame: pd.DataFrame, engine: Engine) -> ScoredChunk:
    """Validate and score one chunk; ``frame``'s index is each row's position in the input."""
    contract = engine.contract
    reasons = reject_reasons(frame, contract)
    bad = frame.loc[reasons.index]
    good = frame.drop(index=reasons.index) if len(reasons) else frame
    probabilities = engine.predict_proba(prepare_features(good, contract))
    scores = pa.table(
        {
            contract.id_column: _text(good[contract.id_column]),
            SCORE: pa.array(probabilities, pa.float64()),
            DECISION: pa.array(probabilities >= contract.threshold, pa.bool_()),
            MODEL_VERSION: pa.array(np.full(len(good), contract.model_version), pa.string()),
        },
        schema=scores_schema(contract),
    )
    columns: dict[str, typing.Any] = {
        contract.id_column: _text(bad[contract.id_column]),
        ROW: pa.array(bad.index.to_numpy(dtype=np.int64), pa.int64()),
    }
    for name in contract.feature_names:
        columns[name] = _text(bad[name])
    columns[REASON] = pa.array(reasons.astype(str), pa.string())
    rejects = pa.table(columns, schema=rejects_schema(contract))
    counts: collections.Counter[str] = collections.Counter()
    if len(reasons):
        counts.update(reasons.str.split("; ").explode().value_counts().to_dict())
    return ScoredChunk(scores=scores, rejects=rejects, reasons=counts)


@contextlib.contextmanager
def _parquet_sink(
    layout: Layout, path: str, schema: pa.Schema, dictionary: list[str]
) -> typing.Iterator[pq.ParquetWriter]:
    """A Parquet writer on a temporary name, moved into place only when the run succeeds."""
    layout.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    temp = f"{path}.tmp"
    try:
        with (
            layout.fs.open(temp, "wb") as handle,
            # Dictionary pages only where values repeat: on unique ids they cost a lot of time.
            pq.ParquetWriter(handle, schema, use_dictionary=dictionary) as writer,
        ):
            yield writer
        layout.fs.mv(temp, path)
    finally:
        if layout.fs.exists(temp):
            layout.fs.rm(temp)


def _read_ahead(chunks: typing.Iterator[Chunk], depth: int = 1) -> typing.Iterator[Chunk]:
    """Read (and decode) the next chunk in a thread while this one is scored: Parquet and CSV
    decoding release the GIL, so reading overlaps scoring. At most ``depth`` chunks wait."""
    waiting: queue.Queue[tuple[str, typing.Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, typing.Any]) -> bool:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                waiting.put(item, timeout=0.1)
                return True
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not put(("chunk", chunk)):
                    return
            put(("end", None))
        except BaseException as error:  # handed to the consumer, raised there
            put(("error", error))

    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = waiting.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _check_columns(columns: list[str], contract: Contract, source: str) -> list[str]:
    needed = [contract.id_column, *contract.feature_names]
    missing = [name for name in needed if name not in columns]
    if missing:
        raise FraudopsError(
            f"{source}: column(s) the model needs are missing: {', '.join(missing)} "
            f"(found: {', '.join(columns)})"
        )
    return needed


def _check_fresh(layout: Layout, shard: Shard) -> None:
    stale = sorted(name for name, n in layout.part_counts().items() if n != shard.count)
    if stale:
        raise FraudopsError(
            f"{layout.out} holds parts of a run with another shard count ({', '.join(stale[:3])}"
            f"{', ...' if len(stale) > 3 else ''}); use an empty output folder"
        )


def score_batch(
    *,
    source: str,
    out: str,
    engine: Engine,
    shard: Shard = Shard(),
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: bool | None = None,
) -> ShardSummary:
    """Score the shard's part of ``source`` into the folder ``out``; return its summary."""
    from tqdm import tqdm

    contract = engine.contract
    opened = open_source(source)
    columns = _check_columns(opened.columns, contract, source)
    layout = Layout(out)
    _check_fresh(layout, shard)
    total = shard_rows(opened.rows, chunk_rows, shard) if opened.rows is not None else None
    reasons: collections.Counter[str] = collections.Counter()
    rows_in = scored = 0
    started = time.perf_counter()
    with (
        _parquet_sink(
            layout, layout.scores(shard), scores_schema(contract), [MODEL_VERSION]
        ) as scores_out,
        _parquet_sink(
            layout, layout.rejects(shard), rejects_schema(contract), [REASON]
        ) as rejects_out,
        tqdm(
            total=total,
            unit="rows",
            unit_scale=True,
            disable=None if progress is None else not progress,
            desc=f"scoring {part_name(shard, 'parquet')}",
        ) as bar,
    ):
        for chunk in _read_ahead(
            read_chunks(opened, columns, chunk_rows, shard, categories=contract.categorical)
        ):
            result = score_chunk(chunk.frame, engine)
            scores_out.write_table(result.scores)
            if result.rejects.num_rows:
                rejects_out.write_table(result.rejects)
            reasons.update(result.reasons)
            rows_in += len(chunk.frame)
            scored += result.scores.num_rows
            bar.update(len(chunk.frame))
    seconds = time.perf_counter() - started
    summary = ShardSummary(
        source=source,
        out=out,
        shard=shard.index,
        shards=shard.count,
        chunk_rows=chunk_rows,
        engine=engine.name,
        model_name=contract.model_name,
        model_version=contract.model_version,
        bundle_checksum=contract.checksum,
        rows_in=rows_in,
        scored=scored,
        rejected=rows_in - scored,
        seconds=seconds,
        rows_per_second=rows_in / seconds if seconds > 0 else 0.0,
        reasons=dict(reasons.most_common()),
    )
    layout.write_text(layout.shard_summary(shard), summary.model_dump_json(indent=2) + "\n")
    if shard.count == 1:
        merged = merge([summary], out)
        layout.write_text(layout.summary, merged.model_dump_json(indent=2) + "\n")
    log.info(
        "scored %s: %d rows in, %d scored, %d rejected", out, rows_in, scored, rows_in - scored
    )
    return summary
