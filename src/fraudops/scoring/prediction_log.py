"""The prediction log: the record the service writes and monitoring reads, and the names of
its files.

Files are JSON lines, one ``PredictionRecord`` per line. Each process writes its own files in
its own folder (``FRAUDOPS_PREDICTION_LOG_DIR``; on Kubernetes each pod has its own), named by
``LogFileName``:

- while written: ``predictions-<start>-<host>-<pid>-<seq>.jsonl.open``
- once complete: ``predictions-<start>-<end>-<host>-<pid>-<seq>.jsonl``

``start`` and ``end`` are UTC times (``20250701T120000Z``) that bound every record's
``logged_at`` in the file, so a reader can pick the files of a time window by name alone;
``host`` is the pod's host name, so files of replicas never collide and a process only ever
recovers files of its own host. Completed files are what monitoring reads and what is uploaded
to the team's object store, under the same name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import typing

import pydantic

PREFIX = "predictions-"
SUFFIX = ".jsonl"
OPEN_SUFFIX = ".open"
TIME_FORMAT = "%Y%m%dT%H%M%SZ"
_TIME = r"\d{8}T\d{6}Z"
_NAME = re.compile(
    rf"^{PREFIX}(?P<start>{_TIME})(?:-(?P<end>{_TIME}))?-(?P<host>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)"
    rf"-(?P<pid>\d+)-(?P<seq>\d+){re.escape(SUFFIX)}(?P<open>{re.escape(OPEN_SUFFIX)})?$"
)


class PredictionRecord(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", protected_namespaces=())

    record_id: str  # unique per record: the client's id when it sent one, else one we made
    request_id: str
    logged_at: dt.datetime  # UTC
    model_name: str
    bundle_version: str
    score: float
    decision: bool
    features: dict[str, typing.Any]


def host_label(host: str) -> str:
    """A host name as it may stand in a file name: lower case, ``[a-z0-9.-]``, never empty."""
    label = re.sub(r"[^a-z0-9.-]+", "-", host.lower()).strip(".-")
    return label or "host"


def _time(stamp: dt.datetime) -> str:
    return stamp.astimezone(dt.UTC).strftime(TIME_FORMAT)


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class LogFileName:
    """The parts of a log file's name (``end`` is None while the file is being written)."""

    start: dt.datetime
    host: str
    pid: int
    seq: int
    end: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.end is None

    def _tail(self) -> str:
        return f"{self.host}-{self.pid}-{self.seq:05d}{SUFFIX}"

    def open_name(self) -> str:
        return f"{PREFIX}{_time(self.start)}-{self._tail()}{OPEN_SUFFIX}"

    def complete_name(self, end: dt.datetime) -> str:
        """The name once complete; ``end`` is at or after the last record's time (rounded up
        to the second, so the name bounds every record)."""
        end = end.astimezone(dt.UTC)
        if end.microsecond:
            end = end.replace(microsecond=0) + dt.timedelta(seconds=1)
        return f"{PREFIX}{_time(self.start)}-{_time(end)}-{self._tail()}"

    def name(self) -> str:
        return self.open_name() if self.end is None else self.complete_name(self.end)

    def overlaps(self, since: dt.datetime, until: dt.datetime) -> bool:
        """Whether records of this file can fall in ``[since, until)``: an open file may still
        get records up to now, so only its start counts."""
        if self.start >= until:
            return False
        return self.end is None or self.end >= since

    @classmethod
    def parse(cls, name: str) -> LogFileName | None:
        """The parts of ``name``, or None when it is not a prediction log file's name."""
        match = _NAME.fullmatch(name)
        if match is None:
            return None
        if bool(match["open"]) == bool(match["end"]):
            return None  # an open file has no end yet; a complete one has
        return cls(
            start=_parse_time(match["start"]),
            host=match["host"],
            pid=int(match["pid"]),
            seq=int(match["seq"]),
            end=_parse_time(match["end"]) if match["end"] else None,
        )
