"""What a gate found: one outcome per check, and the suite's verdict."""

from __future__ import annotations

import dataclasses
import typing

Status = typing.Literal["pass", "warn", "fail", "not_run"]
Direction = typing.Literal["max", "min", "none"]
STATUSES: tuple[Status, ...] = ("fail", "not_run", "warn", "pass")


@dataclasses.dataclass(frozen=True)
class CheckOutcome:
    """One check: its status, the figure it measured and the threshold it was held to.

    ``direction`` says how they compare: "max" passes when figure <= threshold, "min" when
    figure >= threshold, "none" for checks that only show (no threshold)."""

    key: str
    name: str
    status: Status
    gate: str
    figure: float | None = None
    threshold: float | None = None
    direction: Direction = "none"
    condition: str = ""
    detail: str = ""

    @property
    def comparison(self) -> str:
        """``figure vs threshold`` in words, e.g. ``0.12 > max 0.05``."""
        if self.figure is None:
            return "no figure"
        figure = format_number(self.figure)
        if self.threshold is None or self.direction == "none":
            return figure
        word = "max" if self.direction == "max" else "min"
        return f"{figure} ({word} {format_number(self.threshold)})"


@dataclasses.dataclass(frozen=True)
class SuiteReport:
    """The verdict of one gate over its checks."""

    suite: str
    title: str
    outcomes: tuple[CheckOutcome, ...]
    not_run_fails: bool = True
    rows: dict[str, int] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0

    def blocking(self, outcome: CheckOutcome) -> bool:
        """Whether this outcome fails the gate."""
        if outcome.status == "fail":
            return True
        return outcome.status == "not_run" and outcome.gate == "fail" and self.not_run_fails

    @property
    def failures(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if self.blocking(o)]

    @property
    def passed(self) -> bool:
        return not self.failures

    def count(self, status: Status) -> int:
        return sum(o.status == status for o in self.outcomes)

    def ordered(self) -> list[CheckOutcome]:
        """Failures first, then checks not run, warnings and passes."""
        return sorted(self.outcomes, key=lambda o: STATUSES.index(o.status))

    def failure_message(self) -> str:
        """Each failed check with its figure and threshold; checks that could not run are
        grouped by reason (a data set Deepchecks cannot load skips them all at once)."""
        failures = self.failures
        lines = [f"{self.title} gate failed: {len(failures)} check(s) stop the line"]
        for outcome in failures:
            if outcome.status == "fail":
                lines.append(
                    f"  - {outcome.name}: {outcome.comparison}. {_oneline(outcome.detail)}"
                )
        reasons: dict[str, list[str]] = {}
        for outcome in failures:
            if outcome.status == "not_run":
                reasons.setdefault(_oneline(outcome.detail), []).append(outcome.name)
        for reason, names in reasons.items():
            lines.append(f"  - could not run: {', '.join(names)}. {reason}")
        return "\n".join(line.rstrip() for line in lines)


def _oneline(text: str) -> str:
    return " ".join(str(text).split())


def format_number(value: float) -> str:
    if value != value:  # NaN
        return "nan"
    if float(value).is_integer() and abs(value) < 1e12:
        return str(int(value))
    if abs(value) >= 0.01:
        return f"{value:.4g}"
    return f"{value:.3g}"
