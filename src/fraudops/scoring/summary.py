"""Where a batch scoring run writes, what its summary says, and how shard summaries merge.

An output folder holds, per shard ``i`` of ``n``::

    part-0000i-of-0000n.parquet           scored rows: id, score, decision, bundle_version
    _rejects/part-0000i-of-0000n.parquet  rejected rows: id, row, the values as text, reason
    _shards/part-0000i-of-0000n.json      the shard's summary
    _summary.json                         all shards together (written by ``score-merge``,
                                          or by the run itself when there is one shard)

Names starting with ``_`` are skipped by pyarrow, pandas and Spark, so the folder reads as one
Parquet data set of scores.
"""

from __future__ import annotations

import collections
import json
import re
import typing

import fsspec
import pydantic

from fraudops.errors import FraudopsError
from fraudops.scoring.chunks import Shard

REJECTS_DIR = "_rejects"
SHARDS_DIR = "_shards"
SUMMARY_FILE = "_summary.json"
PART_PATTERN = re.compile(r"part-(\d{5})-of-(\d{5})\.(parquet|json)$")


def part_name(shard: Shard, suffix: str) -> str:
    return f"part-{shard.index:05d}-of-{shard.count:05d}.{suffix}"


class Layout:
    """The files of one output folder (a local path or an fsspec URI)."""

    def __init__(self, out: str) -> None:
        self.out = out.rstrip("/")
        self.fs, self.root = fsspec.core.url_to_fs(self.out)

    def scores(self, shard: Shard) -> str:
        return f"{self.root}/{part_name(shard, 'parquet')}"

    def rejects(self, shard: Shard) -> str:
        return f"{self.root}/{REJECTS_DIR}/{part_name(shard, 'parquet')}"

    def shard_summary(self, shard: Shard) -> str:
        return f"{self.root}/{SHARDS_DIR}/{part_name(shard, 'json')}"

    @property
    def summary(self) -> str:
        return f"{self.root}/{SUMMARY_FILE}"

    def part_counts(self) -> dict[str, int]:
        """Scored part files already in the folder, with the shard count each was made for."""
        if not self.fs.isdir(self.root):
            return {}
        counts = {}
        for path in self.fs.ls(self.root, detail=False):
            match = PART_PATTERN.search(path)
            if match and match.group(3) == "parquet":
                counts[path.rsplit("/", 1)[-1]] = int(match.group(2))
        return counts

    def write_text(self, path: str, text: str) -> None:
        self.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        temp = f"{path}.tmp"
        with self.fs.open(temp, "w") as handle:
            handle.write(text)
        self.fs.mv(temp, path)


class Counts(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", protected_namespaces=())

    rows_in: int
    scored: int
    rejected: int
    seconds: float
    rows_per_second: float
    reasons: dict[str, int]  # each problem (a row may have several) -> rows with it


class ShardSummary(Counts):
    source: str
    out: str
    shard: int
    shards: int
    chunk_rows: int
    engine: str
    model_name: str
    bundle_version: str
    bundle_checksum: str


class BatchSummary(Counts):
    source: str
    out: str
    shards: int
    chunk_rows: int
    engines: list[str]
    model_name: str
    bundle_version: str
    shard_seconds: list[float]


def _same(summaries: list[ShardSummary], field: str) -> typing.Any:
    values = {getattr(s, field) for s in summaries}
    if len(values) != 1:
        raise FraudopsError(f"shard summaries disagree on {field}: {sorted(map(str, values))}")
    return values.pop()


def merge(summaries: list[ShardSummary], out: str) -> BatchSummary:
    """One summary for shards ``0..n-1`` of one run; refuses gaps, repeats and mixed runs."""
    if not summaries:
        raise FraudopsError(f"no shard summaries in {out}/{SHARDS_DIR}: run score-batch first")
    shards = _same(summaries, "shards")
    for field in ("source", "chunk_rows", "bundle_version", "bundle_checksum"):
        _same(summaries, field)
    seen = collections.Counter(s.shard for s in summaries)
    missing = sorted(set(range(shards)) - set(seen))
    repeated = sorted(i for i, c in seen.items() if c > 1)
    if missing or repeated:
        raise FraudopsError(
            f"{out}: shards of {shards} incomplete: "
            f"missing {missing or 'none'}, repeated {repeated or 'none'}"
        )
    reasons: collections.Counter[str] = collections.Counter()
    for s in summaries:
        reasons.update(s.reasons)
    rows = sum(s.rows_in for s in summaries)
    # Shards run in parallel: the run took as long as its slowest shard.
    seconds = max(s.seconds for s in summaries)
    return BatchSummary(
        source=summaries[0].source,
        out=out,
        shards=shards,
        chunk_rows=summaries[0].chunk_rows,
        engines=sorted({s.engine for s in summaries}),
        model_name=summaries[0].model_name,
        bundle_version=summaries[0].bundle_version,
        rows_in=rows,
        scored=sum(s.scored for s in summaries),
        rejected=sum(s.rejected for s in summaries),
        seconds=seconds,
        rows_per_second=rows / seconds if seconds > 0 else 0.0,
        reasons=dict(reasons.most_common()),
        shard_seconds=[s.seconds for s in sorted(summaries, key=lambda s: s.shard)],
    )


def merge_folder(out: str) -> BatchSummary:
    """Merge the shard summaries in ``out`` and write ``_summary.json``; checks that the scored
    parts present are exactly the shards summarised."""
    layout = Layout(out)
    folder = f"{layout.root}/{SHARDS_DIR}"
    paths = sorted(layout.fs.glob(f"{folder}/part-*.json")) if layout.fs.isdir(folder) else []
    summaries = []
    for path in paths:
        with layout.fs.open(path, "r") as handle:
            summaries.append(ShardSummary.model_validate(json.load(handle)))
    merged = merge(summaries, out)
    expected = {part_name(Shard(i, merged.shards), "parquet") for i in range(merged.shards)}
    present = set(layout.part_counts())
    if present != expected:
        raise FraudopsError(
            f"{out}: scored parts do not match the shard summaries "
            f"(missing: {sorted(expected - present) or 'none'}, "
            f"extra: {sorted(present - expected) or 'none'})"
        )
    layout.write_text(layout.summary, merged.model_dump_json(indent=2) + "\n")
    return merged


def format_summary(summary: Counts, title: str) -> str:
    """A short table for people (the JSON file is for machines)."""
    lines = [
        title,
        f"  rows in      {summary.rows_in:>12,}",
        f"  scored       {summary.scored:>12,}",
        f"  rejected     {summary.rejected:>12,}",
        f"  seconds      {summary.seconds:>12,.1f}",
        f"  rows/second  {summary.rows_per_second:>12,.0f}",
    ]
    for reason, count in list(summary.reasons.items())[:10]:
        lines.append(f"  rejected for {reason}: {count:,}")
    return "\n".join(lines)
