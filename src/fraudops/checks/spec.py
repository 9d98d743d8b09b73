"""How one Deepchecks check becomes a gate: its condition, fed the threshold from params, and
the one figure the report shows beside that threshold."""

from __future__ import annotations

import dataclasses
import typing

from fraudops.checks.outcome import Direction

Figure = typing.Callable[[typing.Any], float | None]


@dataclasses.dataclass(frozen=True)
class Spec:
    """One check of a suite.

    ``key`` is its name in params.yaml; ``check`` the Deepchecks class; ``condition`` the
    ``add_condition_*`` method and the keyword(s) the threshold goes to (no keyword: the
    condition takes none and ``fixed`` is the threshold it implies); ``figure`` reads the
    figure from the check's value; ``sampled`` checks run on ``checks.sample_size`` rows."""

    key: str
    check: str
    direction: Direction
    figure: Figure
    condition: str | None = None
    keywords: tuple[str, ...] = ()
    fixed: float | None = None
    sampled: bool = False
    integer: bool = False
    options: dict[str, typing.Any] = dataclasses.field(default_factory=dict)
    # For a check with no add_condition_* method of its own: adds a condition itself.
    adder: typing.Callable[[typing.Any, float | None], None] | None = None

    def add_condition(self, check: typing.Any, threshold: float | None) -> None:
        if self.adder is not None:
            self.adder(check, threshold)
            return
        if self.condition is None:
            return
        method = getattr(check, self.condition)
        if threshold is None or not self.keywords:
            method()
            return
        value: float | int = int(threshold) if self.integer else threshold
        method(**dict.fromkeys(self.keywords, value))


def largest(values: typing.Iterable[typing.Any]) -> float | None:
    numbers = [float(v) for v in values if v is not None and v == v]
    return max(numbers) if numbers else 0.0


def smallest(values: typing.Iterable[typing.Any]) -> float | None:
    numbers = [float(v) for v in values if v is not None and v == v]
    return min(numbers) if numbers else None


def ratio(value: typing.Any, key: str | None = None) -> float:
    """A ratio that Deepchecks returns bare or inside a dict."""
    if isinstance(value, dict):
        return float(value[key]) if key else float("nan")
    return float(value)
