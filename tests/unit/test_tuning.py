"""Candidate sampling and selection."""

from __future__ import annotations

import pytest

from fraudops.core.tuning import CandidateResult, sample_candidates, select_best
from fraudops.errors import FraudopsError


def test_sample_candidates__deterministic_and_in_range() -> None:
    space = {"learning_rate": {"low": 0.01, "high": 0.3, "log": True}, "max_leaf_nodes": [15, 31]}
    a = sample_candidates(space, 5, seed=3)
    assert a == sample_candidates(space, 5, seed=3)
    assert len(a) == 5
    assert all(0.01 <= c["learning_rate"] <= 0.3 and c["max_leaf_nodes"] in (15, 31) for c in a)


def test_sample_candidates__small_grid_is_not_oversampled() -> None:
    assert len(sample_candidates({"C": [0.1, 1.0]}, 10, seed=0)) == 2


def test_sample_candidates__int_range() -> None:
    out = sample_candidates({"n": {"low": 2, "high": 4, "int": True}}, 20, seed=0)
    assert {c["n"] for c in out} <= {2, 3, 4}
    assert all(isinstance(c["n"], int) for c in out)


def test_sample_candidates__bad_spec_names_the_key() -> None:
    with pytest.raises(FraudopsError, match="learning_rate"):
        sample_candidates({"learning_rate": {"low": 1, "hi": 2}}, 2, seed=0)


def test_select_best__highest_score_then_lowest_index() -> None:
    results = [
        CandidateResult(0, {}, 0.5, []),
        CandidateResult(1, {}, 0.7, []),
        CandidateResult(2, {}, 0.7, []),
    ]
    assert select_best(results).index == 1
