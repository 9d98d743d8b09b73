"""Champion/challenger: is the candidate worse than the production model beyond tolerance?"""

from __future__ import annotations

import dataclasses
import math

LOWER_IS_BETTER = frozenset({"expected_cost"})


@dataclasses.dataclass(frozen=True)
class Comparison:
    metric: str
    candidate: float
    champion: float | None
    tolerance: float | None  # None: reported, not gated

    @property
    def degradation(self) -> float | None:
        """How much worse the candidate is (negative: better)."""
        if self.champion is None:
            return None
        diff = self.candidate - self.champion
        return diff if self.metric in LOWER_IS_BETTER else -diff

    @property
    def ok(self) -> bool:
        if self.tolerance is None or self.champion is None or math.isnan(self.champion):
            return True
        if math.isnan(self.candidate):  # e.g. a test period with a single class
            return False
        return self.candidate_worse_by <= self.tolerance + 1e-12

    @property
    def candidate_worse_by(self) -> float:
        return self.degradation or 0.0


@dataclasses.dataclass(frozen=True)
class Verdict:
    candidate: str
    champion: str | None
    rows: tuple[Comparison, ...]
    missing: tuple[str, ...]  # gated metrics the candidate does not report

    @property
    def failed(self) -> list[str]:
        return [*self.missing, *(row.metric for row in self.rows if not row.ok)]

    @property
    def passed(self) -> bool:
        return not self.failed

    def markdown(self) -> str:
        title = "passes" if self.passed else "is refused"
        lines = [f"### Champion/challenger: {self.candidate} {title}", ""]
        if self.champion is None:
            lines += ["No champion in production yet: nothing to compare against.", ""]
            return "\n".join(lines)
        lines += [
            f"Champion: {self.champion}",
            "",
            "| metric | champion | candidate | worse by | tolerance | |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for row in self.rows:
            worse = row.degradation
            lines.append(
                f"| {row.metric}{' (lower is better)' if row.metric in LOWER_IS_BETTER else ''} "
                f"| {_num(row.champion)} | {_num(row.candidate)} | {_num(worse)} "
                f"| {_num(row.tolerance) if row.tolerance is not None else 'not gated'} "
                f"| {'ok' if row.ok else '**worse than tolerance**'} |"
            )
        for metric in self.missing:
            lines.append(f"| {metric} | | missing | | | **not reported by the candidate** |")
        lines.append("")
        return "\n".join(lines)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def compare(
    candidate: dict[str, float],
    champion: dict[str, float] | None,
    tolerances: dict[str, float],
    *,
    candidate_label: str,
    champion_label: str | None,
) -> Verdict:
    """Compare every metric both report; gate those with a tolerance."""
    if champion is None:
        return Verdict(candidate_label, None, (), ())
    shared = [name for name in candidate if name in champion]
    rows = tuple(
        Comparison(name, candidate[name], champion[name], tolerances.get(name)) for name in shared
    )
    missing = tuple(name for name in tolerances if name not in candidate)
    return Verdict(candidate_label, champion_label, rows, missing)
