"""Streaming an input in chunks and sharding it: every row exactly once, in input order."""

from __future__ import annotations

import itertools
import pathlib

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fraudops.errors import FraudopsError
from fraudops.scoring.chunks import Shard, open_source, read_chunks, shard_rows


def _frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"{i:07d}" for i in range(rows)],
            "x": [float(i) for i in range(rows)],
            "c": ["a", "b", "c"] * (rows // 3) + ["a"] * (rows % 3),
        }
    )


def _parquet_folder(folder: pathlib.Path, frame: pd.DataFrame) -> pathlib.Path:
    """Three files with row groups of uneven sizes (one with a narrower number type), plus
    files a reader must skip."""
    folder.mkdir()
    cuts = [0, 170, 171, len(frame)]
    for n, (a, b) in enumerate(itertools.pairwise(cuts)):
        part = frame.iloc[a:b]
        part = part.astype({"x": "float32"}) if n == 1 else part
        table = pa.Table.from_pandas(part, preserve_index=False)
        pq.write_table(table, folder / f"file-{n}.parquet", row_group_size=37)
    (folder / "_rejects").mkdir()
    pq.write_table(pa.Table.from_pandas(frame.head(3)), folder / "_rejects/part.parquet")
    (folder / ".hidden.parquet").write_bytes(b"not parquet")
    return folder


def _positions(chunks: list) -> list[int]:
    return [p for chunk in chunks for p in chunk.frame().index]


def test_shard__parses_and_refuses_bad_text() -> None:
    assert Shard.parse("2/5") == Shard(2, 5)
    assert str(Shard.parse(" 0 / 1 ")) == "0/1"
    for bad in ("5/5", "1", "a/b", "-1/3", "0/0"):
        with pytest.raises(FraudopsError, match="shard"):
            Shard.parse(bad)


@pytest.mark.parametrize("chunk_rows", [1, 50, 64, 1000])
@pytest.mark.parametrize("count", [1, 3, 4])
def test_read_chunks__shards_of_a_parquet_folder_cover_every_row_once(
    tmp_path: pathlib.Path, chunk_rows: int, count: int
) -> None:
    frame = _frame(500)
    source = open_source(str(_parquet_folder(tmp_path / "in", frame)))
    assert source.rows == 500
    seen: list[int] = []
    for index in range(count):
        shard = Shard(index, count)
        chunks = list(read_chunks(source, ["id", "x", "c"], chunk_rows, shard, categories=["c"]))
        assert all(shard.owns(c.index) for c in chunks)
        assert all(c.start == c.index * chunk_rows for c in chunks)
        assert all(c.rows == chunk_rows for c in chunks[:-1])
        assert len(_positions(chunks)) == shard_rows(500, chunk_rows, shard)
        for chunk in chunks:
            got = chunk.frame()
            assert got["id"].tolist() == frame["id"].iloc[got.index].tolist()
            assert got["x"].tolist() == frame["x"].iloc[got.index].tolist()
            assert isinstance(got["c"].dtype, pd.CategoricalDtype)
        seen += _positions(chunks)
    assert sorted(seen) == list(range(500))


def test_read_chunks__csv_values_stay_text_and_shards_cover_every_row(
    tmp_path: pathlib.Path,
) -> None:
    frame = _frame(301)
    path = tmp_path / "in.csv.gz"
    frame.to_csv(path, index=False, compression="gzip")
    source = open_source(str(path))
    assert source.kind == "csv"
    assert source.rows is None
    assert source.columns == ["id", "x", "c"]
    seen = []
    for index in range(2):
        for chunk in read_chunks(source, ["id", "c"], 40, Shard(index, 2)):
            assert list(chunk.frame().columns) == ["id", "c"]
            seen.append(chunk.frame())
    together = pd.concat(seen).sort_index()
    assert together.index.tolist() == list(range(301))
    assert together["id"].tolist() == frame["id"].tolist()  # leading zeros kept


def test_read_chunks__fsspec_uri(tmp_path: pathlib.Path) -> None:
    import fsspec

    frame = _frame(90)
    with fsspec.open("memory://chunks-test/in.parquet", "wb") as handle:
        frame.to_parquet(handle, index=False, row_group_size=25)
    source = open_source("memory://chunks-test/in.parquet")
    chunks = list(read_chunks(source, ["id"], 30, Shard(1, 2)))
    assert [c.index for c in chunks] == [1]
    assert chunks[0].frame()["id"].tolist() == frame["id"].iloc[30:60].tolist()


def test_open_source__clear_errors(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FraudopsError, match="input not found"):
        open_source(str(tmp_path / "missing.parquet"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(FraudopsError, match="no Parquet files"):
        open_source(str(tmp_path / "empty"))
    (tmp_path / "bad.parquet").write_text("id,x\n1,2\n")
    with pytest.raises(FraudopsError, match="cannot read"):
        open_source(str(tmp_path / "bad.parquet"))
    (tmp_path / "data.txt").write_text("x")
    with pytest.raises(FraudopsError, match="cannot tell the format"):
        open_source(str(tmp_path / "data.txt"))


def test_read_chunks__row_groups_of_other_shards_are_not_read(tmp_path: pathlib.Path) -> None:
    from fraudops.scoring.chunks import _segments

    source = open_source(str(_parquet_folder(tmp_path / "in", _frame(500))))
    segments = list(_segments(source, ["id"], 1000, Shard(1, 3)))
    assert segments
    assert all(batch is None for _, batch, _ in segments)
    assert list(read_chunks(source, ["id"], 1000, Shard(1, 3))) == []
