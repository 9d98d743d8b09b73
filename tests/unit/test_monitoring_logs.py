"""Reading prediction logs: every line accounted for, bad lines named by file and line,
log files never changed, clear errors for a missing folder or an empty window."""

from __future__ import annotations

import datetime as dt
import hashlib
import pathlib

import pandas as pd
import pytest

from fraudops.core.contract import Contract
from fraudops.errors import FraudopsError
from fraudops.monitoring.logs import Window, read_logs
from tests.monitoring_support import FEATURES, make_contract, raw_line, record_line

UTC = dt.UTC
WINDOW = Window(dt.datetime(2025, 7, 1, tzinfo=UTC), dt.datetime(2025, 7, 8, tzinfo=UTC))
INSIDE = dt.datetime(2025, 7, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def contract(small_frame: pd.DataFrame) -> Contract:
    return make_contract(small_frame)


def _digests(folder: pathlib.Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_read_logs__accounts_for_every_line(tmp_path: pathlib.Path, contract: Contract) -> None:
    good = [record_line(f"tx{i}", INSIDE + dt.timedelta(minutes=i)) for i in range(5)]
    no_amount = {k: v for k, v in FEATURES.items() if k != "amount"}
    lines = [
        *good,
        "{not json",
        raw_line(record_id="x", score=0.2),  # valid JSON, not a record
        record_line("late", dt.datetime(2025, 7, 9, tzinfo=UTC)),  # after the window
        record_line("tx0", INSIDE),  # the same record logged twice
        record_line("high", INSIDE, score=0.5).replace('"score":0.5', '"score":7.0'),
        record_line("noamount", INSIDE, features=no_amount),
        record_line("text", INSIDE, features={**FEATURES, "tx_count_1h": "many"}),
        "",
    ]
    (tmp_path / "predictions-a.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "predictions-b.jsonl").write_text(good[0][:40])  # a crash mid-line
    (tmp_path / "predictions-c.jsonl").write_text("")
    before = _digests(tmp_path)

    scan = read_logs(tmp_path, WINDOW, contract)

    counts = scan.counts()
    assert counts["used"] == 5
    assert counts["outside_window"] == 1
    assert counts["duplicates"] == 1
    assert counts["malformed"] == 4  # not JSON, not a record, score 7, truncated line
    assert counts["invalid_features"] == 2
    assert counts["lines"] == sum(v for k, v in counts.items() if k not in ("files", "lines"))
    places = {(pathlib.Path(p.file).name, p.line): p.reason for p in scan.malformed}
    assert ("predictions-a.jsonl", 6) in places
    assert "Field required" in places[("predictions-a.jsonl", 7)]
    assert places[("predictions-a.jsonl", 10)] == "score 7.0 not in [0, 1]"
    assert places[("predictions-b.jsonl", 1)].startswith("truncated last line")
    invalid = {(pathlib.Path(p.file).name, p.line): p.reason for p in scan.invalid}
    assert invalid[("predictions-a.jsonl", 11)] == "amount missing or not a finite number"
    assert "tx_count_1h" in invalid[("predictions-a.jsonl", 12)]
    assert [pathlib.Path(f).name for f in scan.empty_files] == ["predictions-c.jsonl"]
    assert _digests(tmp_path) == before  # nothing changed, nothing removed
    assert list(scan.frame["record_id"]) == [f"tx{i}" for i in range(5)]
    assert scan.frame["amount"].dtype == float


def test_read_logs__files_being_written(tmp_path: pathlib.Path, contract: Contract) -> None:
    done = [record_line(f"a{i}", INSIDE) for i in range(3)]
    (tmp_path / "predictions-1.jsonl").write_text("\n".join(done) + "\n")
    writing = record_line("b0", INSIDE) + "\n" + record_line("b1", INSIDE)[:30]
    (tmp_path / "predictions-2.jsonl.open").write_text(writing)

    skipped = read_logs(tmp_path, WINDOW, contract)
    assert len(skipped.frame) == 3
    assert [pathlib.Path(f).name for f in skipped.open_files_skipped] == [
        "predictions-2.jsonl.open"
    ]

    included = read_logs(tmp_path, WINDOW, contract, include_open=True)
    assert len(included.frame) == 4
    assert included.incomplete == 1  # the line still being written is not "malformed"
    assert not included.malformed


def test_read_logs__times_without_zone_are_utc(tmp_path: pathlib.Path, contract: Contract) -> None:
    naive = record_line("n", INSIDE).replace("12:00:00Z", "12:00:00")
    assert "12:00:00Z" not in naive
    edge = record_line("edge", WINDOW.until)  # the end of the window is excluded
    start = record_line("start", WINDOW.since)
    (tmp_path / "predictions-1.jsonl").write_text(f"{naive}\n{edge}\n{start}\n")
    scan = read_logs(tmp_path, WINDOW, contract)
    assert sorted(scan.frame["record_id"]) == ["n", "start"]
    assert str(scan.frame["logged_at"].dt.tz) == "UTC"


def test_read_logs__missing_folder_or_files(tmp_path: pathlib.Path, contract: Contract) -> None:
    with pytest.raises(FraudopsError, match="prediction log folder not found"):
        read_logs(tmp_path / "nope", WINDOW, contract)
    (tmp_path / "other.txt").write_text("x")
    with pytest.raises(FraudopsError, match=r"no prediction log files \(predictions-\*\.jsonl\)"):
        read_logs(tmp_path, WINDOW, contract)


def test_window__names_and_describe(tmp_path: pathlib.Path, contract: Contract) -> None:
    assert WINDOW.name == "2025-07-01_2025-07-08"
    hours = Window(INSIDE, INSIDE + dt.timedelta(hours=6))
    assert hours.name == "20250702T1200Z_20250702T1800Z"
    (tmp_path / "predictions-1.jsonl").write_text(record_line("a", INSIDE) + "\n")
    scan = read_logs(tmp_path, hours, contract)
    assert "records span 2025-07-02 12:00 to 2025-07-02 12:00" in scan.describe()
