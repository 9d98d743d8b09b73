"""Batch scoring at constant memory: stream chunks from disk, validate each row against the
bundle's contract, score the valid rows, stream scores and rejects to Parquet.

Memory is bounded by a few chunks whatever the input size: one being read and checked, one
waiting, one per worker being scored, and the Parquet writers' buffers. A row that breaks the
contract goes to the rejects file with its reasons; nothing is dropped silently and a bad row
never stops the run. A missing column, by contrast, is a problem with the whole input and stops
before any work.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import dataclasses
import logging
import os
import queue
import threading
import time
import typing

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fraudops.core.contract import Contract
from fraudops.errors import FraudopsError
from fraudops.scoring.chunks import Chunk, Shard, open_source, read_chunks, shard_rows
from fraudops.scoring.engine import Engine
from fraudops.scoring.rows import arrow_text, prepare_features, reject_reasons
from fraudops.scoring.summary import Layout, ShardSummary, merge, part_name

log = logging.getLogger(__name__)

DEFAULT_CHUNK_ROWS = 100_000
SCORE = "score"
DECISION = "decision"
BUNDLE_VERSION = "bundle_version"
ROW = "row"
REASON = "reason"


def scores_schema(contract: Contract) -> pa.Schema:
    return pa.schema(
        [
            (contract.id_column, pa.string()),
            (SCORE, pa.float64()),
            (DECISION, pa.bool_()),
            (BUNDLE_VERSION, pa.string()),
        ]
    )


def rejects_schema(contract: Contract) -> pa.Schema:
    values = [(name, pa.string()) for name in contract.feature_names]
    return pa.schema(
        [(contract.id_column, pa.string()), (ROW, pa.int64()), *values, (REASON, pa.string())]
    )


@dataclasses.dataclass(frozen=True)
class CheckedChunk:
    """A chunk after validation: what to score, and what was rejected and why."""

    rows: int
    features: pd.DataFrame  # the valid rows, ready for the engine
    ids: pa.Array  # their ids
    rejects: pa.Table
    reasons: collections.Counter[str]


def _ids(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    text = values.cast(pa.string())
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def check_chunk(chunk: Chunk, contract: Contract) -> CheckedChunk:
    """Validate one chunk. Its ids stay in Arrow: only the features become pandas."""
    frame = chunk.frame(contract.feature_names)
    ids = _ids(chunk.table.column(contract.id_column))
    reasons = reject_reasons(frame, contract, id_missing=ids.is_null().to_numpy(False))
    if len(reasons):
        bad_rows = reasons.index.to_numpy(dtype=np.int64)
        valid = np.ones(len(frame), dtype=bool)
        valid[bad_rows - chunk.start] = False
        bad, good, good_ids = frame.loc[reasons.index], frame.loc[valid], ids.filter(valid)
    else:
        bad_rows, bad, good, good_ids = np.empty(0, np.int64), frame.iloc[:0], frame, ids
    columns: dict[str, typing.Any] = {
        contract.id_column: ids.take(bad_rows - chunk.start),
        ROW: pa.array(bad_rows, pa.int64()),
    }
    for name in contract.feature_names:
        columns[name] = arrow_text(bad[name])
    columns[REASON] = pa.array(reasons.astype(str), pa.string())
    counts: collections.Counter[str] = collections.Counter()
    if len(reasons):
        counts.update(reasons.str.split("; ").explode().value_counts().to_dict())
    return CheckedChunk(
        rows=chunk.rows,
        features=prepare_features(good, contract),
        ids=good_ids,
        rejects=pa.table(columns, schema=rejects_schema(contract)),
        reasons=counts,
    )


def scores_table(checked: CheckedChunk, probabilities: np.ndarray, contract: Contract) -> pa.Table:
    """The scores of a checked chunk's valid rows."""
    return pa.table(
        {
            contract.id_column: checked.ids,
            SCORE: pa.array(probabilities, pa.float64()),
            DECISION: pa.array(probabilities >= contract.threshold, pa.bool_()),
            BUNDLE_VERSION: pa.repeat(contract.bundle_version, len(probabilities)),
        },
        schema=scores_schema(contract),
    )


def default_workers() -> int:
    """The cores this process may run on. In a container with a CPU limit below the node's
    cores, pass ``--workers`` with the limit."""
    return max(1, len(os.sched_getaffinity(0)))


def _scored_in_order(
    checked: typing.Iterator[CheckedChunk], engine: Engine, workers: int
) -> typing.Iterator[tuple[CheckedChunk, np.ndarray]]:
    """Score up to ``workers`` chunks at once, yielding them in input order. Chunks in parallel
    with one thread each beat one chunk at a time over all cores: no barrier between threads
    after every tree, and no stall when another process takes a core."""
    if workers == 1:
        for chunk in checked:
            yield chunk, engine.predict_proba(chunk.features)
        return
    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="score") as pool:
        running: collections.deque[tuple[CheckedChunk, concurrent.futures.Future[np.ndarray]]]
        running = collections.deque()
        for chunk in checked:
            running.append((chunk, pool.submit(engine.predict_proba, chunk.features)))
            if len(running) >= workers:
                done, future = running.popleft()
                yield done, future.result()
        while running:
            done, future = running.popleft()
            yield done, future.result()


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


Item = typing.TypeVar("Item")


def _read_ahead(items: typing.Iterator[Item], depth: int = 1) -> typing.Iterator[Item]:
    """Produce the next item in a thread while the caller works on this one. At most ``depth``
    items wait, so memory stays bounded."""
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
            for item in items:
                if not put(("item", item)):
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
    workers: int = 1,
    progress: bool | None = None,
) -> ShardSummary:
    """Score the shard's part of ``source`` into the folder ``out``; return its summary.
    ``workers`` chunks are scored at once: give an engine loaded with ``threads=1`` then."""
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
            layout, layout.scores(shard), scores_schema(contract), [BUNDLE_VERSION]
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
        chunks = read_chunks(opened, columns, chunk_rows, shard, categories=contract.categorical)
        # A thread reads and checks the next chunks while the engine scores these (the engines
        # release the GIL while they compute).
        checked = _read_ahead(check_chunk(c, contract) for c in chunks)
        for chunk, probabilities in _scored_in_order(checked, engine, workers):
            scores = scores_table(chunk, probabilities, contract)
            scores_out.write_table(scores)
            if chunk.rejects.num_rows:
                rejects_out.write_table(chunk.rejects)
            reasons.update(chunk.reasons)
            rows_in += chunk.rows
            scored += scores.num_rows
            bar.update(chunk.rows)
    seconds = time.perf_counter() - started
    summary = ShardSummary(
        source=source,
        out=out,
        shard=shard.index,
        shards=shard.count,
        chunk_rows=chunk_rows,
        engine=engine.name,
        model_name=contract.model_name,
        bundle_version=contract.bundle_version,
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
