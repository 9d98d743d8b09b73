"""Streaming an input table in fixed-size chunks, and the shard each chunk belongs to.

The input (a CSV file, a Parquet file, a folder of Parquet files, local or any fsspec URI) is
read as one sequence of rows in a fixed order (files sorted by path, row groups in file order),
cut into chunks of ``chunk_rows`` rows: chunk ``k`` holds rows ``k*chunk_rows`` up to
``(k+1)*chunk_rows``. Shard ``i`` of ``n`` owns the chunks with ``k % n == i``, so ``n`` workers
started with the same ``chunk_rows`` cover every row exactly once. Parquet row groups holding no
row of an owned chunk are not read at all; a CSV has to be parsed through to find its rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import typing

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from fraudops.errors import FraudopsError

CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz")
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclasses.dataclass(frozen=True)
class Shard:
    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise FraudopsError(f"shard {self.index}/{self.count}: need 0 <= i < n")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"i/n"``: the ``i``-th (from 0) of ``n`` shards."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match:
            raise FraudopsError(f"--shard {text!r}: expected i/n, e.g. 0/4")
        return cls(int(match.group(1)), int(match.group(2)))

    def owns(self, chunk: int) -> bool:
        return chunk % self.count == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclasses.dataclass(frozen=True)
class Chunk:
    index: int  # k: the chunk's place in the input
    start: int  # position of its first row in the whole input (from 0)
    table: pa.Table

    @property
    def rows(self) -> int:
        return self.table.num_rows

    def frame(self, columns: typing.Sequence[str] | None = None) -> pd.DataFrame:
        """The chunk (or ``columns`` of it) in pandas, indexed by position in the input. Leave
        out columns of unique strings such as ids where Arrow will do: making millions of
        Python strings costs more than reading the file."""
        table = self.table if columns is None else self.table.select(list(columns))
        frame = table.to_pandas(split_blocks=True)  # one array per column: no copies
        frame.index = pd.RangeIndex(self.start, self.start + table.num_rows)
        return frame


@dataclasses.dataclass(frozen=True)
class Source:
    """An opened input: its columns, and its row count when the format records it."""

    uri: str
    kind: typing.Literal["csv", "parquet"]
    columns: list[str]
    rows: int | None
    _fs: typing.Any
    _files: list[str]


def _kind(uri: str, fs: typing.Any, path: str) -> typing.Literal["csv", "parquet"]:
    lowered = uri.lower().rstrip("/")
    if lowered.endswith(CSV_SUFFIXES):
        return "csv"
    if lowered.endswith(PARQUET_SUFFIXES) or fs.isdir(path):
        return "parquet"
    raise FraudopsError(
        f"cannot tell the format of {uri!r}: "
        "use a .csv or .parquet file or a folder of Parquet files"
    )


def _parquet_files(fs: typing.Any, root: str) -> list[str]:
    """Parquet files under ``root`` in a fixed order, skipping ``_``/``.`` names as Spark and
    pyarrow do (so a scoring output folder is read for its scores only)."""
    if not fs.isdir(root):
        return [root]
    prefix = root.rstrip("/") + "/"
    files = []
    for path in sorted(fs.find(root)):
        parts = path[len(prefix) :].split("/") if path.startswith(prefix) else [path]
        if path.endswith(PARQUET_SUFFIXES) and not any(p.startswith(("_", ".")) for p in parts):
            files.append(path)
    if not files:
        raise FraudopsError(f"no Parquet files in the folder {root}")
    return files


@contextlib.contextmanager
def _open_parquet(
    fs: typing.Any, path: str, categories: typing.Sequence[str] = ()
) -> typing.Iterator[pq.ParquetFile]:
    dictionary = list(categories) or None
    if isinstance(fs, LocalFileSystem):
        with pq.ParquetFile(path, memory_map=True, read_dictionary=dictionary) as parquet:
            yield parquet
        return
    with (
        fs.open(path, "rb") as handle,
        pq.ParquetFile(handle, read_dictionary=dictionary) as parquet,
    ):
        yield parquet


@contextlib.contextmanager
def _csv_reader(
    source: Source, include: list[str] | None, categories: typing.Sequence[str] = ()
) -> typing.Iterator[pacsv.CSVStreamingReader]:
    names = include or []
    category = pa.dictionary(pa.int32(), pa.string())
    convert = pacsv.ConvertOptions(
        # Every value is read as text: the contract decides what is valid, and ids keep their
        # leading zeros.
        column_types={name: category if name in categories else pa.string() for name in names},
        include_columns=names,
        strings_can_be_null=True,
    )
    with fsspec.open(source.uri, "rb", compression="infer") as handle:
        yield pacsv.open_csv(handle, convert_options=convert)


def open_source(uri: str) -> Source:
    """Open ``uri`` and read its header; a clear error if it is missing or unreadable."""
    fs, path = fsspec.core.url_to_fs(uri)
    if not fs.exists(path):
        raise FraudopsError(f"input not found: {uri}")
    kind = _kind(uri, fs, path)
    try:
        if kind == "csv":
            source = Source(uri, kind, [], None, fs, [path])
            with _csv_reader(source, None) as reader:
                columns = reader.schema.names
            return dataclasses.replace(source, columns=columns)
        files = _parquet_files(fs, path)
        rows, columns = 0, None
        for file in files:
            with _open_parquet(fs, file) as parquet:
                names, count = parquet.schema_arrow.names, parquet.metadata.num_rows
            if columns is None:
                columns = names
            elif missing := sorted(set(columns) - set(names)):
                raise FraudopsError(f"{file}: lacks column(s) {', '.join(missing)} of {files[0]}")
            rows += count
        return Source(uri, kind, columns or [], rows, fs, files)
    except (pa.ArrowInvalid, OSError) as error:
        raise FraudopsError(f"cannot read {uri} as {kind}: {error}") from None


def shard_rows(total: int, chunk_rows: int, shard: Shard) -> int:
    """How many of ``total`` rows fall in the shard's chunks."""
    full, rest = divmod(total, chunk_rows)
    owned_full = len(range(shard.index, full, shard.count))
    return owned_full * chunk_rows + (rest if rest and shard.owns(full) else 0)


def _segments(
    source: Source,
    columns: list[str],
    chunk_rows: int,
    shard: Shard,
    categories: typing.Sequence[str] = (),
) -> typing.Iterator[tuple[int, pa.RecordBatch | None, int]]:
    """``(start, batch, rows)`` in input order; ``batch`` is None for a stretch not read
    because no row of it belongs to the shard."""
    start = 0
    if source.kind == "csv":
        with _csv_reader(source, columns, categories) as reader:
            for batch in reader:
                yield start, batch, batch.num_rows
                start += batch.num_rows
        return
    for file in source._files:
        with _open_parquet(source._fs, file, categories) as parquet:
            for group in range(parquet.metadata.num_row_groups):
                rows = parquet.metadata.row_group(group).num_rows
                first, last = start // chunk_rows, (start + rows - 1) // chunk_rows
                # any `count` consecutive chunks include one of the shard's
                if any(shard.owns(k) for k in range(first, min(last, first + shard.count) + 1)):
                    for batch in parquet.iter_batches(
                        batch_size=chunk_rows, row_groups=[group], columns=columns
                    ):
                        yield start, batch, batch.num_rows
                        start += batch.num_rows
                else:
                    yield start, None, rows
                    start += rows


def read_chunks(
    source: Source,
    columns: list[str],
    chunk_rows: int,
    shard: Shard = Shard(),
    *,
    categories: typing.Sequence[str] = (),
) -> typing.Iterator[Chunk]:
    """The shard's chunks of ``source`` (only ``columns``), in input order. ``categories`` are
    read as pandas categoricals: a few distinct values are cheaper to decode, check and convert
    as codes than as millions of Python strings."""
    if chunk_rows < 1:
        raise FraudopsError("chunk rows must be at least 1")
    pending: list[pa.RecordBatch] = []
    current = -1
    for start, batch, rows in _segments(source, columns, chunk_rows, shard, categories):
        offset = 0
        while offset < rows:
            position = start + offset
            k = position // chunk_rows
            take = min(rows - offset, (k + 1) * chunk_rows - position)
            if shard.owns(k):
                if batch is None:
                    raise AssertionError(f"chunk {k} falls in a stretch that was skipped")
                current = k
                pending.append(batch.slice(offset, take))
                if position + take == (k + 1) * chunk_rows:
                    yield _chunk(k, chunk_rows, pending)
                    pending = []
            offset += take
    if pending:
        yield _chunk(current, chunk_rows, pending)


def _chunk(k: int, chunk_rows: int, batches: list[pa.RecordBatch]) -> Chunk:
    if all(b.schema.equals(batches[0].schema) for b in batches):
        table = pa.Table.from_batches(batches)
    else:  # files of one folder may differ in types (int32 and int64, say)
        tables = [pa.Table.from_batches([b]) for b in batches]
        table = pa.concat_tables(tables, promote_options="permissive")
    return Chunk(index=k, start=k * chunk_rows, table=table)
