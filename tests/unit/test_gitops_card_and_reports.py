"""The model card and the Deepchecks report reader it draws on."""

from __future__ import annotations

import json
import pathlib

from fraudops.gitops.model_card import render_model_card
from fraudops.gitops.record import PromotionRecord
from fraudops.io.check_reports import read_check_reports, summarize
from tests.gitops_support import make_release


def _record(**release_changes: object) -> PromotionRecord:
    return PromotionRecord(
        environment="production",
        promoted_at="2026-03-02T09:30:00+00:00",
        promoted_from="staging",
        gated_against="card-fraud version 2",
        release=make_release(**release_changes),
    )


def test_render_model_card__has_every_section() -> None:
    card = render_model_card(_record())
    for heading in (
        "## Intended use",
        "## Data",
        "## Metrics on the test period",
        "## Threshold and costs",
        "## Deepchecks",
        "## Limitations",
        "## Lineage",
    ):
        assert heading in card
    assert "from staging (same image, no rebuild)" in card
    assert "| average_precision | 0.4800 | 0.2400 | +0.2400 |" in card
    assert "within tolerance of production (card-fraud version 2)" in card
    assert "`0123456789abcdef0123456789abcdef`" in card  # the MLflow run
    assert "missed fraud 200, false alarm 5" in card


def test_render_model_card__without_reports_says_not_available() -> None:
    card = render_model_card(_record(checks=None))
    assert "Deepchecks results: not available" in card


def test_read_check_reports__both_layouts_and_ignores_other_json(tmp_path: pathlib.Path) -> None:
    (tmp_path / "data_integrity.json").write_text(
        json.dumps([{"name": "Mixed Nulls", "status": "PASS", "value": 0, "threshold": 0}])
    )
    (tmp_path / "model.json").write_text(
        json.dumps(
            {
                "suite": "model_evaluation",
                "checks": [
                    {"name": "ROC Report", "status": "FAIL", "value": 0.7, "threshold": 0.8},
                    {"name": "Simple Model Comparison", "status": "warn"},
                ],
            }
        )
    )
    (tmp_path / "drift.json").write_text(json.dumps({"psi": {"amount": 0.1}}))
    (tmp_path / "broken.json").write_text("{not json")
    rows = read_check_reports(tmp_path)
    assert rows is not None
    assert [(r.suite, r.name, r.outcome) for r in rows] == [
        ("data_integrity", "Mixed Nulls", "passed"),
        ("model_evaluation", "ROC Report", "failed"),
        ("model_evaluation", "Simple Model Comparison", "warned"),
    ]
    assert summarize(rows) == (
        "data_integrity: 1 passed, 0 warned, 0 failed; "
        "model_evaluation: 0 passed, 1 warned, 1 failed (failed: ROC Report)"
    )


def test_read_check_reports__absent_folder_is_not_available(tmp_path: pathlib.Path) -> None:
    assert read_check_reports(tmp_path / "reports") is None
    assert summarize(None) == "not available"
