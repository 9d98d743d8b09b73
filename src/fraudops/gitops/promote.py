"""Promotion: a pure edit of one overlay's files, behind the champion/challenger gate.

``plan_promotion`` takes the overlay's current text and returns its new text; the thin IO
functions below read and write the files. Promoting what already runs changes nothing, so
running a promotion twice leaves every file byte for byte as the first run wrote it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pathlib

from fraudops.errors import FraudopsError
from fraudops.gitops.gate import Verdict, compare
from fraudops.gitops.model_card import CARD_FILE, render_model_card
from fraudops.gitops.overlay import KUSTOMIZATION, edit_kustomization, overlay_dir
from fraudops.gitops.record import (
    RECORD_FILE,
    Override,
    Previous,
    PromotionRecord,
    Release,
    parse_record,
    record_text,
)
from fraudops.io.files import atomic_path

CHAMPION = "production"


class GateRefused(FraudopsError):
    """The candidate is worse than the champion beyond tolerance, and nobody overrode it."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(
            f"{verdict.candidate} is worse than the production model beyond the tolerances in "
            f"params.yaml (promotion.tolerances) on: {', '.join(verdict.failed)}\n\n"
            f"{verdict.markdown()}\n"
            "Nothing was changed. To promote it anyway, rerun with --allow-worse --reason "
            "'<why>' (the override is recorded in promotion.json and the model card)."
        )
        self.verdict = verdict


def _label(release: Release) -> str:
    return f"{release.model_name} version {release.model_version}"


@dataclasses.dataclass(frozen=True)
class Plan:
    record: PromotionRecord
    verdict: Verdict
    files: dict[str, str]  # file name in the overlay -> its new text


def plan_promotion(
    *,
    environment: str,
    kustomization: str,
    current: PromotionRecord | None,
    release: Release,
    champion: Release | None,
    tolerances: dict[str, float],
    now: dt.datetime,
    promoted_from: str | None = None,
    override_reason: str | None = None,
    actor: str = "unknown",
) -> Plan:
    """The overlay's files serving ``release``, or ``GateRefused``."""
    verdict = compare(
        release.metrics,
        champion.metrics if champion else None,
        tolerances,
        candidate_label=_label(release),
        champion_label=_label(champion) if champion else None,
    )
    if current is not None and current.release == release:
        record = current  # already serving it: idempotent, the gate let it in before
    else:
        if not verdict.passed and not override_reason:
            raise GateRefused(verdict)
        record = PromotionRecord(
            environment=environment,
            promoted_at=now.astimezone(dt.UTC).isoformat(timespec="seconds"),
            promoted_from=promoted_from,
            previous=Previous(
                model_version=current.release.model_version, digest=current.release.digest
            )
            if current
            else None,
            gated_against=verdict.champion,
            override=None
            if verdict.passed
            else Override(reason=str(override_reason), by=actor, failed=verdict.failed),
            release=release,
        )
    files = {
        KUSTOMIZATION: edit_kustomization(kustomization, record.release),
        RECORD_FILE: record_text(record),
        CARD_FILE: render_model_card(record),
    }
    return Plan(record=record, verdict=verdict, files=files)


# ------------------------------------------------------------------ the IO around it


def read_record(deploy: pathlib.Path, environment: str) -> PromotionRecord | None:
    path = overlay_dir(deploy, environment) / RECORD_FILE
    return parse_record(path.read_text(), str(path)) if path.is_file() else None


@dataclasses.dataclass(frozen=True)
class PromotionResult:
    environment: str
    record: PromotionRecord
    verdict: Verdict
    files: list[pathlib.Path]  # every file a promotion owns in the overlay
    changed: list[pathlib.Path]


def promote(
    *,
    deploy: pathlib.Path,
    environment: str,
    release: Release,
    tolerances: dict[str, float],
    now: dt.datetime,
    promoted_from: str | None = None,
    override_reason: str | None = None,
    actor: str = "unknown",
) -> PromotionResult:
    """Edit ``deploy/overlays/<environment>`` to serve ``release``; write only what changed."""
    folder = overlay_dir(deploy, environment)
    champion = read_record(deploy, CHAMPION)
    plan = plan_promotion(
        environment=environment,
        kustomization=(folder / KUSTOMIZATION).read_text(),
        current=read_record(deploy, environment),
        release=release,
        champion=champion.release if champion else None,
        tolerances=tolerances,
        now=now,
        promoted_from=promoted_from,
        override_reason=override_reason,
        actor=actor,
    )
    files, changed = [folder / name for name in plan.files], []
    for path, text in zip(files, plan.files.values(), strict=True):
        if not path.is_file() or path.read_text() != text:
            with atomic_path(path) as temp:
                temp.write_text(text)
            changed.append(path)
    return PromotionResult(environment, plan.record, plan.verdict, files, changed)


def promote_from(
    *,
    deploy: pathlib.Path,
    environment: str,
    source: str,
    tolerances: dict[str, float],
    now: dt.datetime,
    override_reason: str | None = None,
    actor: str = "unknown",
) -> PromotionResult:
    """Promote exactly what ``source`` runs (same image digest, same record) to ``environment``."""
    if source == environment:
        raise FraudopsError(f"cannot promote {environment} from itself")
    record = read_record(deploy, source)
    if record is None:
        raise FraudopsError(
            f"nothing to promote: {source} has no promotion record "
            f"({deploy / 'overlays' / source / RECORD_FILE}); promote to {source} first"
        )
    return promote(
        deploy=deploy,
        environment=environment,
        release=record.release,
        tolerances=tolerances,
        now=now,
        promoted_from=source,
        override_reason=override_reason,
        actor=actor,
    )


def gate_against_champion(
    *, deploy: pathlib.Path, metrics: dict[str, float], label: str, tolerances: dict[str, float]
) -> Verdict:
    """The champion/challenger verdict for candidate ``metrics`` (CI runs it on pull requests
    with metrics.json, and on release tags with the staging record)."""
    champion = read_record(deploy, CHAMPION)
    return compare(
        metrics,
        champion.release.metrics if champion else None,
        tolerances,
        candidate_label=label,
        champion_label=_label(champion.release) if champion else None,
    )
