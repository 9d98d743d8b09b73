"""Promotion as a pure edit of an overlay: golden files, idempotence, the champion/challenger
gate with its recorded override, and production copying staging exactly."""

from __future__ import annotations

import difflib
import json
import os
import pathlib

import pytest

from fraudops.errors import FraudopsError
from fraudops.gitops.model_card import CARD_FILE
from fraudops.gitops.overlay import KUSTOMIZATION, edit_kustomization
from fraudops.gitops.promote import (
    GateRefused,
    plan_promotion,
    promote,
    promote_from,
    read_record,
)
from fraudops.gitops.record import RECORD_FILE, ImageRef, parse_record
from tests.gitops_support import (
    DIGEST_A,
    DIGEST_B,
    LATER,
    NOW,
    TOLERANCES,
    copy_deploy,
    make_release,
    snapshot,
    worse_by,
)
from tests.helpers import REPO

GOLDEN = pathlib.Path(__file__).parent / "golden" / "gitops"


def assert_golden(name: str, text: str) -> None:
    """Compare with the golden file; FRAUDOPS_UPDATE_GOLDEN=1 rewrites it (review the diff)."""
    path = GOLDEN / name
    if os.environ.get("FRAUDOPS_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"{name} differs from its golden file"


def test_plan_promotion__matches_golden_files() -> None:
    plan = plan_promotion(
        environment="staging",
        kustomization=(GOLDEN / "kustomization.before.yaml").read_text(),
        current=None,
        release=make_release(),
        champion=None,
        tolerances=TOLERANCES,
        now=NOW,
    )
    assert_golden("kustomization.after.yaml", plan.files[KUSTOMIZATION])
    assert_golden("promotion.json", plan.files[RECORD_FILE])
    assert_golden("MODEL_CARD.md", plan.files[CARD_FILE])


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_edit_kustomization__shipped_overlay_changes_only_promotion_lines(environment: str) -> None:
    before = (REPO / "deploy/overlays" / environment / KUSTOMIZATION).read_text()
    after = edit_kustomization(before, make_release(model_version="12"))
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    changed = sorted(line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))
    assert changed == sorted(
        [
            "-      - FRAUDOPS_MODEL_VERSION=0",
            "+      - FRAUDOPS_MODEL_VERSION=12",
            '-      fraudops.io/model-version: "0"',
            '+      fraudops.io/model-version: "12"',
            "-    newName: ghcr.io/OWNER/fraudops",
            "+    newName: ghcr.io/acme/fraudops",
            "-    digest: sha256:" + "0" * 64,
            f"+    digest: {DIGEST_A}",
        ]
    )
    assert edit_kustomization(after, make_release(model_version="12")) == after


def test_edit_kustomization__adds_missing_sections() -> None:
    text = (
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources:\n  - ../../base\n"
    )
    after = edit_kustomization(text, make_release())
    assert "newName: ghcr.io/acme/fraudops" in after
    assert 'fraudops.io/model-version: "3"' in after
    assert "- FRAUDOPS_MODEL_VERSION=3" in after
    assert "behavior: merge" in after


def test_image_ref__pins_by_digest_and_drops_a_tag() -> None:
    ref = ImageRef.parse(f"registry.example.com:5000/team/fraudops:1.2.3@{DIGEST_B}")
    assert ref.name == "registry.example.com:5000/team/fraudops"
    assert ref.digest == DIGEST_B


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("ghcr.io/acme/fraudops:latest", "not pinned by digest"),
        ("ghcr.io/acme/fraudops@sha256:abc", "not pinned by digest"),
        (f"ghcr.io/Acme/Fraudops@{DIGEST_A}", "not a valid repository name"),
    ],
)
def test_image_ref__refuses_unpinned_or_invalid(ref: str, message: str) -> None:
    with pytest.raises(FraudopsError, match=message):
        ImageRef.parse(ref)


def test_promote__twice_is_byte_identical(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    first = promote(
        deploy=deploy, environment="staging", release=make_release(), tolerances=TOLERANCES, now=NOW
    )
    assert {p.name for p in first.changed} == {KUSTOMIZATION, RECORD_FILE, CARD_FILE}
    before = snapshot(deploy)
    again = promote(
        deploy=deploy,
        environment="staging",
        release=make_release(),
        tolerances=TOLERANCES,
        now=LATER,
    )
    assert again.changed == []
    assert snapshot(deploy) == before
    record = read_record(deploy, "staging")
    assert record is not None
    assert record.promoted_at == "2026-03-01T12:00:00+00:00"


def test_promote__records_what_it_replaced(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    promote(deploy=deploy, environment="staging", release=make_release(), tolerances={}, now=NOW)
    second = make_release(model_version="4", digest=DIGEST_B)
    result = promote(deploy=deploy, environment="staging", release=second, tolerances={}, now=LATER)
    assert result.record.previous is not None
    assert (result.record.previous.model_version, result.record.previous.digest) == ("3", DIGEST_A)
    assert result.record.promoted_at == "2026-03-02T09:30:00+00:00"
    assert f"digest: {DIGEST_B}" in (deploy / "overlays/staging" / KUSTOMIZATION).read_text()


def _with_champion(deploy: pathlib.Path) -> None:
    """Production runs version 3 with the standard metrics."""
    promote(deploy=deploy, environment="production", release=make_release(), tolerances={}, now=NOW)


def test_promote__refuses_a_worse_candidate_and_changes_nothing(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    _with_champion(deploy)
    before = snapshot(deploy)
    worse = make_release(
        model_version="4",
        digest=DIGEST_B,
        metrics=worse_by(make_release(), "average_precision", 0.05),
    )
    with pytest.raises(GateRefused, match="average_precision") as refused:
        promote(
            deploy=deploy, environment="staging", release=worse, tolerances=TOLERANCES, now=LATER
        )
    assert "--allow-worse" in str(refused.value)
    assert refused.value.verdict.failed == ["average_precision"]
    assert snapshot(deploy) == before


def test_promote__accepts_a_candidate_worse_within_tolerance(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    _with_champion(deploy)
    metrics = worse_by(make_release(), "expected_cost", 0.04)
    metrics = {**metrics, "roc_auc": metrics["roc_auc"] - 0.009}
    candidate = make_release(model_version="4", digest=DIGEST_B, metrics=metrics)
    result = promote(
        deploy=deploy, environment="staging", release=candidate, tolerances=TOLERANCES, now=LATER
    )
    assert result.verdict.passed
    assert result.record.override is None


def test_promote__override_is_recorded(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    _with_champion(deploy)
    metrics = worse_by(make_release(), "expected_cost", 0.2)
    worse = make_release(model_version="4", digest=DIGEST_B, metrics=metrics)
    result = promote(
        deploy=deploy,
        environment="staging",
        release=worse,
        tolerances=TOLERANCES,
        now=LATER,
        override_reason="new fraud pattern; the old model misses it",
        actor="alice",
    )
    override = json.loads((deploy / "overlays/staging" / RECORD_FILE).read_text())["override"]
    assert override == {
        "reason": "new fraud pattern; the old model misses it",
        "by": "alice",
        "failed": ["expected_cost"],
    }
    card = (deploy / "overlays/staging" / CARD_FILE).read_text()
    assert "Promoted over the champion/challenger gate** by alice" in card
    assert result.record.override is not None


def test_promote_from__production_copies_staging_exactly(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    _with_champion(deploy)
    candidate = make_release(model_version="4", digest=DIGEST_B)
    promote(deploy=deploy, environment="staging", release=candidate, tolerances=TOLERANCES, now=NOW)
    result = promote_from(
        deploy=deploy, environment="production", source="staging", tolerances=TOLERANCES, now=LATER
    )
    staging = read_record(deploy, "staging")
    production = read_record(deploy, "production")
    assert staging is not None
    assert production is not None
    assert production.release == staging.release
    assert production.release.model_dump_json() == staging.release.model_dump_json()
    assert (production.promoted_from, production.environment) == ("staging", "production")
    assert result.changed
    images = [
        line
        for env in ("staging", "production")
        for line in (deploy / "overlays" / env / KUSTOMIZATION).read_text().splitlines()
        if "digest:" in line or "newName:" in line
    ]
    assert images == ["    newName: ghcr.io/acme/fraudops", f"    digest: {DIGEST_B}"] * 2
    assert (
        promote_from(
            deploy=deploy,
            environment="production",
            source="staging",
            tolerances=TOLERANCES,
            now=LATER,
        ).changed
        == []
    )


def test_promote_from__needs_a_source_record(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    with pytest.raises(FraudopsError, match="promote to staging first"):
        promote_from(
            deploy=deploy, environment="production", source="staging", tolerances={}, now=NOW
        )


def test_promote__unknown_environment(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    with pytest.raises(FraudopsError, match="known: production, staging"):
        promote(deploy=deploy, environment="prod", release=make_release(), tolerances={}, now=NOW)


def test_parse_record__names_a_broken_record() -> None:
    with pytest.raises(FraudopsError, match=r"x\.json: not a valid promotion record"):
        parse_record('{"environment": "staging"}', "x.json")
