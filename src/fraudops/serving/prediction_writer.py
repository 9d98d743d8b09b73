"""The prediction log writer: every scored record goes to append-only JSON-lines files, written
by a background thread so that the request path only enqueues.

Files follow ``fraudops.scoring.prediction_log``: ``predictions-<UTC start>-<pid>-<seq>.jsonl``
in the log folder, written as ``<name>.jsonl.open`` and renamed once complete (rotated by size
or age, or closed on shutdown), so monitoring reads only whole files. A file left open by a
process that died is completed, minus any half-written last line, when the next writer starts.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import logging
import os
import pathlib
import queue
import re
import threading
import time
import typing

from fraudops.scoring.prediction_log import PredictionRecord

log = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
_OPEN_NAME = re.compile(r"predictions-[0-9TZ]+-(?P<pid>\d+)-\d+\.jsonl\.open")


@dataclasses.dataclass(frozen=True)
class ScoredBatch:
    """Records scored by one model call, column by column as the request path holds them."""

    logged_at: dt.datetime
    model_name: str
    bundle_version: str
    record_ids: list[str]
    request_ids: list[str]
    scores: list[float]
    decisions: list[bool]
    features: dict[str, list[typing.Any]]

    def records(self) -> typing.Iterator[PredictionRecord]:
        names = list(self.features)
        for index, record_id in enumerate(self.record_ids):
            # Built from validated inputs and model outputs: no need to validate again.
            yield PredictionRecord.model_construct(
                record_id=record_id,
                request_id=self.request_ids[index],
                logged_at=self.logged_at,
                model_name=self.model_name,
                bundle_version=self.bundle_version,
                score=self.scores[index],
                decision=self.decisions[index],
                features={name: self.features[name][index] for name in names},
            )


class _LogFile:
    def __init__(self, directory: pathlib.Path, seq: int, max_seconds: float) -> None:
        start = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        while True:
            self.final = directory / f"predictions-{start}-{os.getpid()}-{seq:05d}.jsonl"
            self.path = self.final.with_name(self.final.name + OPEN_SUFFIX)
            if not self.final.exists() and not self.path.exists():
                break
            seq += 1
        self.seq = seq
        self.handle = self.path.open("xb")
        self.size = 0
        self.deadline = time.monotonic() + max_seconds

    def write(self, batch: ScoredBatch) -> None:
        data = b"".join(record.model_dump_json().encode() + b"\n" for record in batch.records())
        self.handle.write(data)
        self.size += len(data)

    def finish(self) -> pathlib.Path:
        self.handle.close()
        os.replace(self.path, self.final)
        return self.final


class PredictionWriter:
    """A background writer; ``submit`` never blocks on disk, ``close`` writes what is queued."""

    def __init__(
        self, directory: pathlib.Path, *, max_bytes: int = 32 << 20, max_seconds: float = 3600
    ) -> None:
        self.directory = pathlib.Path(directory)
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.completed: list[pathlib.Path] = []
        self.failed_batches = 0
        self._queue: queue.SimpleQueue[ScoredBatch | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        self._seq = 0
        self._thread = threading.Thread(target=self._run, name="prediction-log", daemon=True)

    def start(self) -> PredictionWriter:
        self.directory.mkdir(parents=True, exist_ok=True)
        recover_orphans(self.directory)
        self._thread.start()
        # A clean interpreter exit still writes everything queued, even without a shutdown hook.
        atexit.register(self.close)
        return self

    def submit(self, batch: ScoredBatch) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the prediction log is closed")
            self._queue.put(batch)

    def close(self, timeout: float = 60) -> None:
        """Write everything queued, complete the current file, stop the thread (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)
        atexit.unregister(self.close)

    def _run(self) -> None:
        current: _LogFile | None = None
        try:
            while True:
                timeout = None if current is None else max(0.0, current.deadline - time.monotonic())
                try:
                    item = self._queue.get(timeout=timeout)
                except queue.Empty:  # the open file reached its age: complete it
                    self._finish(current)
                    current = None
                    continue
                while item is not None:
                    current = self._write(current, item)
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                if current is not None:
                    current.handle.flush()
                if item is None:
                    return
        finally:
            self._finish(current)

    def _write(self, current: _LogFile | None, batch: ScoredBatch) -> _LogFile | None:
        try:
            if current is None:
                current = _LogFile(self.directory, self._seq, self.max_seconds)
                self._seq = current.seq + 1
            current.write(batch)
        except OSError:
            self.failed_batches += 1
            log.exception("prediction log: could not write %d records", len(batch.record_ids))
            return current
        if current.size < self.max_bytes:
            return current
        self._finish(current)
        return None

    def _finish(self, current: _LogFile | None) -> None:
        if current is None:
            return
        try:
            self.completed.append(current.finish())
        except OSError:
            log.exception("prediction log: could not complete %s", current.path)


def recover_orphans(directory: pathlib.Path) -> list[pathlib.Path]:
    """Complete the open files of processes that are gone, dropping a half-written last line."""
    recovered = []
    for path in sorted(directory.glob(f"predictions-*.jsonl{OPEN_SUFFIX}")):
        match = _OPEN_NAME.fullmatch(path.name)
        if match is None or (int(match["pid"]) != os.getpid() and _alive(int(match["pid"]))):
            continue
        data = path.read_bytes()
        whole = data[: data.rfind(b"\n") + 1]
        if whole != data:
            path.write_bytes(whole)
        target = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
        os.replace(path, target)
        recovered.append(target)
        log.warning("prediction log: completed %s left open by a stopped process", target.name)
    return recovered


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
