"""The champion/challenger comparison: direction of each metric, tolerances, missing values."""

from __future__ import annotations

import math

from fraudops.gitops.gate import compare

CHAMPION = {"average_precision": 0.50, "roc_auc": 0.95, "expected_cost": 0.80, "recall": 0.8}
TOL = {"average_precision": 0.02, "roc_auc": 0.01, "expected_cost": 0.05}


def _verdict(candidate: dict[str, float], champion: dict[str, float] | None = CHAMPION):
    return compare(candidate, champion, TOL, candidate_label="cand", champion_label="champ")


def test_compare__better_everywhere_passes() -> None:
    verdict = _verdict(
        {"average_precision": 0.6, "roc_auc": 0.97, "expected_cost": 0.6, "recall": 0.9}
    )
    assert verdict.passed
    assert "passes" in verdict.markdown()


def test_compare__worse_within_tolerance_passes() -> None:
    verdict = _verdict(
        {"average_precision": 0.49, "roc_auc": 0.945, "expected_cost": 0.84, "recall": 0.1}
    )
    assert verdict.passed, verdict.markdown()


def test_compare__exactly_at_tolerance_passes() -> None:
    assert _verdict({"average_precision": 0.48, "roc_auc": 0.94, "expected_cost": 0.85}).passed


def test_compare__lower_is_better_for_expected_cost() -> None:
    verdict = _verdict({"average_precision": 0.5, "roc_auc": 0.95, "expected_cost": 0.90})
    assert verdict.failed == ["expected_cost"]
    row = next(r for r in verdict.rows if r.metric == "expected_cost")
    assert math.isclose(row.degradation or 0, 0.10)
    assert "**worse than tolerance**" in verdict.markdown()


def test_compare__ungated_metric_is_reported_not_gated() -> None:
    verdict = _verdict(
        {"average_precision": 0.5, "roc_auc": 0.95, "expected_cost": 0.8, "recall": 0.0}
    )
    assert verdict.passed
    assert "| recall | 0.8000 | 0.0000 | 0.8000 | not gated | ok |" in verdict.markdown()


def test_compare__nan_candidate_fails_and_nan_champion_does_not_block() -> None:
    nan = float("nan")
    assert _verdict({"average_precision": 0.5, "roc_auc": nan, "expected_cost": 0.8}).failed == [
        "roc_auc"
    ]
    champion = {**CHAMPION, "roc_auc": nan}
    assert _verdict(
        {"average_precision": 0.5, "roc_auc": 0.5, "expected_cost": 0.8}, champion
    ).passed


def test_compare__missing_gated_metric_fails() -> None:
    verdict = _verdict({"average_precision": 0.5, "roc_auc": 0.95})
    assert verdict.failed == ["expected_cost"]
    assert "not reported by the candidate" in verdict.markdown()


def test_compare__no_champion_passes() -> None:
    verdict = _verdict({"average_precision": 0.1}, None)
    assert verdict.passed
    assert "No champion in production yet" in verdict.markdown()
