"""The prediction log writer: whole records that monitoring can parse, rotation by size and by
age, nothing lost on close, and files left open by a dead process completed."""

from __future__ import annotations

import datetime as dt
import pathlib
import re
import time

import pytest

from fraudops.scoring.prediction_log import PredictionRecord
from fraudops.serving.prediction_writer import PredictionWriter, ScoredBatch, recover_orphans

NAME = re.compile(r"predictions-\d{8}T\d{6}Z-\d+-\d{5}\.jsonl")


def _batch(size: int, start: int = 0) -> ScoredBatch:
    return ScoredBatch(
        logged_at=dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC),
        model_name="card-fraud",
        bundle_version="20250101000000",
        record_ids=[f"r{start + i}" for i in range(size)],
        request_ids=["req"] * size,
        scores=[i / size for i in range(size)],
        decisions=[i % 2 == 0 for i in range(size)],
        features={"amount": [float(i) for i in range(size)], "channel": ["online"] * size},
    )


def _read(folder: pathlib.Path) -> list[PredictionRecord]:
    lines = []
    for path in sorted(folder.glob("*.jsonl")):
        lines += path.read_text().splitlines()
    return [PredictionRecord.model_validate_json(line) for line in lines]


def test_writer__close_writes_every_record_in_complete_files(tmp_path: pathlib.Path) -> None:
    writer = PredictionWriter(tmp_path).start()
    for n in range(20):
        writer.submit(_batch(5, start=5 * n))
    writer.close()
    assert not list(tmp_path.glob("*.open"))
    (path,) = tmp_path.glob("*.jsonl")
    assert NAME.fullmatch(path.name)
    records = _read(tmp_path)
    assert [r.record_id for r in records] == [f"r{i}" for i in range(100)]
    first = records[0]
    assert first.features == {"amount": 0.0, "channel": "online"}
    assert (first.bundle_version, first.decision, first.request_id) == (
        "20250101000000",
        True,
        "req",
    )


def test_writer__rotates_by_size_without_splitting_records(tmp_path: pathlib.Path) -> None:
    writer = PredictionWriter(tmp_path, max_bytes=2048).start()
    for n in range(30):
        writer.submit(_batch(4, start=4 * n))
    writer.close()
    files = sorted(tmp_path.glob("*.jsonl"))
    assert len(files) > 3
    assert len({f.name for f in files}) == len(files)
    assert len(_read(tmp_path)) == 120


def test_writer__completes_a_file_once_it_is_old_enough(tmp_path: pathlib.Path) -> None:
    writer = PredictionWriter(tmp_path, max_seconds=0.2).start()
    writer.submit(_batch(3))
    deadline = time.monotonic() + 10
    while not list(tmp_path.glob("*.jsonl")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_read(tmp_path)) == 3  # complete while the writer still runs
    writer.close()


def test_writer__flushes_what_it_has_while_running(tmp_path: pathlib.Path) -> None:
    writer = PredictionWriter(tmp_path).start()
    writer.submit(_batch(2))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        opened = list(tmp_path.glob("*.jsonl.open"))
        if opened and opened[0].read_text().count("\n") == 2:
            break
        time.sleep(0.05)
    else:
        pytest.fail("queued records were not flushed to the open file")
    writer.close()


def test_writer__refuses_records_after_close(tmp_path: pathlib.Path) -> None:
    writer = PredictionWriter(tmp_path).start()
    writer.close()
    writer.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        writer.submit(_batch(1))
    assert list(tmp_path.iterdir()) == []  # no records, no empty file


def test_recover_orphans__completes_files_of_dead_processes(tmp_path: pathlib.Path) -> None:
    dead = tmp_path / "predictions-20250601T120000Z-999999999-00000.jsonl.open"
    dead.write_text('{"a": 1}\n{"b": 2}\n{"c": ')  # killed mid-line
    import os

    alive = tmp_path / f"predictions-20250601T120000Z-{os.getppid()}-00000.jsonl.open"
    alive.write_text('{"a": 1}\n')
    recovered = recover_orphans(tmp_path)
    assert [p.name for p in recovered] == [dead.name.removesuffix(".open")]
    assert recovered[0].read_text() == '{"a": 1}\n{"b": 2}\n'
    assert alive.exists()
