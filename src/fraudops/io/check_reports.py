"""Deepchecks results as the checks stage saves them for machines: ``reports/*.json``.

Each file is one suite: a list of ``{name, status, value, threshold}`` or an object with such
a list under ``checks`` (and optionally its ``suite`` name). Other JSON files in the folder are
ignored, so a missing or partial report folder reads as "not available", never as a crash.
"""

from __future__ import annotations

import json
import pathlib
import typing

import pydantic


class CheckRow(pydantic.BaseModel):
    """One Deepchecks condition result, as the checks stage reports it."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    suite: str
    name: str
    status: str
    value: typing.Any = None
    threshold: typing.Any = None

    @property
    def outcome(self) -> typing.Literal["passed", "warned", "failed"]:
        status = self.status.lower()
        if status in {"pass", "passed", "ok", "success"}:
            return "passed"
        return "warned" if status in {"warn", "warning", "warned"} else "failed"


def _rows(payload: typing.Any, default_suite: str) -> list[CheckRow]:
    suite = default_suite
    if isinstance(payload, dict):
        suite = str(payload.get("suite") or default_suite)
        payload = payload.get("checks")
    if not isinstance(payload, list):
        return []
    rows = []
    for item in payload:
        if isinstance(item, dict) and "name" in item and "status" in item:
            rows.append(
                CheckRow(
                    suite=suite,
                    name=str(item["name"]),
                    status=str(item["status"]),
                    value=item.get("value"),
                    threshold=item.get("threshold"),
                )
            )
    return rows


def read_check_reports(folder: pathlib.Path) -> list[CheckRow] | None:
    """Every check of every suite report in ``folder``; None when there is none."""
    rows: list[CheckRow] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            payload = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        rows.extend(_rows(payload, path.stem))
    return rows or None


def summarize(rows: list[CheckRow] | None) -> str:
    """One line per suite, for an MLflow tag or a log line:
    ``suite: 8 passed, 1 warned, 1 failed (failed: x)``."""
    if not rows:
        return "not available"
    parts = []
    for suite in dict.fromkeys(row.suite for row in rows):
        mine = [row for row in rows if row.suite == suite]
        counts = {o: sum(row.outcome == o for row in mine) for o in ("passed", "warned", "failed")}
        failed = [row.name for row in mine if row.outcome == "failed"]
        text = f"{suite}: " + ", ".join(f"{n} {o}" for o, n in counts.items())
        parts.append(text + (f" (failed: {', '.join(failed)})" if failed else ""))
    return "; ".join(parts)
