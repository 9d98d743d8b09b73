"""Prediction-log file names: made and parsed by one module, bounding every record's time."""

from __future__ import annotations

import datetime as dt

import pytest

from fraudops.scoring.prediction_log import LogFileName, host_label

START = dt.datetime(2025, 7, 1, 12, 0, 0, tzinfo=dt.UTC)


def test_log_file_name__open_and_complete_names_parse_back() -> None:
    name = LogFileName(start=START, host="fraudops-7d9f8-x2k4p", pid=12, seq=3)
    assert (
        name.open_name() == "predictions-20250701T120000Z-fraudops-7d9f8-x2k4p-12-00003.jsonl.open"
    )
    assert LogFileName.parse(name.open_name()) == name
    end = START + dt.timedelta(minutes=59, seconds=1, microseconds=5)
    complete = name.complete_name(end)
    assert complete == (
        "predictions-20250701T120000Z-20250701T125902Z-fraudops-7d9f8-x2k4p-12-00003.jsonl"
    )
    parsed = LogFileName.parse(complete)
    assert parsed is not None
    assert (parsed.end, parsed.host, parsed.pid, parsed.seq) == (
        dt.datetime(2025, 7, 1, 12, 59, 2, tzinfo=dt.UTC),
        "fraudops-7d9f8-x2k4p",
        12,
        3,
    )
    assert parsed.end is not None
    assert parsed.end >= end


@pytest.mark.parametrize(
    "name",
    [
        "predictions-20250701T120000Z-7-00001.jsonl",  # the old name, without a host
        "predictions-20250701T120000Z-20250701T130000Z-pod-7-00001.jsonl.open",
        "predictions-20250701T120000Z-pod-7-00001.jsonl",  # complete but without an end
        "labels.csv",
    ],
)
def test_log_file_name__other_names_are_not_log_files(name: str) -> None:
    assert LogFileName.parse(name) is None


def test_log_file_name__overlaps_a_window_by_its_bounds() -> None:
    done = LogFileName(start=START, host="a", pid=1, seq=0, end=START + dt.timedelta(hours=1))
    still_open = LogFileName(start=START, host="a", pid=1, seq=1)
    later = START + dt.timedelta(hours=2)
    assert done.overlaps(START - dt.timedelta(days=1), START + dt.timedelta(seconds=1))
    assert not done.overlaps(later, later + dt.timedelta(days=1))
    assert not done.overlaps(START - dt.timedelta(days=1), START)
    assert still_open.overlaps(later, later + dt.timedelta(days=1))


def test_host_label__any_host_name_becomes_a_safe_label() -> None:
    assert host_label("Fraudops-API_7d9f8.cluster.local") == "fraudops-api-7d9f8.cluster.local"
    assert host_label("--") == "host"
