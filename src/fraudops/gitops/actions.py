"""What the GitOps commands decide: each function takes a command's options, checks that they
make sense together, and returns what the command prints. The commands only parse and print."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pathlib

from fraudops.errors import FraudopsError
from fraudops.gitops.gate import Verdict
from fraudops.gitops.promote import (
    PromotionResult,
    gate_against_champion,
    promote,
    promote_from,
    read_record,
)
from fraudops.gitops.record import PromotionRecord
from fraudops.gitops.release import read_metrics, release_from_workspace


def running_record(deploy: pathlib.Path, environment: str, why: str) -> PromotionRecord:
    """The promotion record of what ``environment`` runs, or an error saying ``why`` it is
    needed."""
    record = read_record(deploy, environment)
    if record is None:
        raise FraudopsError(f"{environment} has no promotion record: {why}")
    return record


@dataclasses.dataclass(frozen=True)
class AliasTarget:
    name: str
    version: str


def alias_target(
    *, deploy: pathlib.Path, version: str | None, environment: str | None, name: str | None
) -> AliasTarget:
    """The registered model and version an alias should point at: ``version`` of ``name``, or
    what ``environment`` runs according to its promotion record."""
    if (version is None) == (environment is None):
        raise FraudopsError("pass exactly one of --version or --env")
    if environment is not None:
        release = running_record(deploy, environment, "nothing runs there yet").release
        return AliasTarget(name or release.model_name, release.model_version)
    if not name:
        raise FraudopsError("pass --name with --version")
    assert version is not None
    return AliasTarget(name, version)


def judge_candidate(
    *,
    deploy: pathlib.Path,
    metrics_path: pathlib.Path,
    from_environment: str | None,
    tolerances: dict[str, float],
) -> Verdict:
    """The champion/challenger verdict of ``metrics.json``, or of what ``from_environment``
    runs, against production."""
    if from_environment:
        release = running_record(deploy, from_environment, "nothing to judge").release
        metrics = release.metrics
        label = f"{from_environment} ({release.model_name} version {release.model_version})"
    else:
        report = read_metrics(metrics_path)
        metrics = report["model"]
        label = f"{metrics_path} (bundle {report.get('bundle_version')})"
    return gate_against_champion(deploy=deploy, metrics=metrics, label=label, tolerances=tolerances)


@dataclasses.dataclass(frozen=True)
class PromotionRequest:
    """A promotion as asked on the command line."""

    environment: str
    image: str | None = None  # <name>@sha256:<digest>, with model_version
    model_version: str | None = None
    from_environment: str | None = None  # or: copy what this environment runs
    allow_worse: bool = False
    reason: str | None = None

    def check(self) -> None:
        if self.allow_worse and not (self.reason and self.reason.strip()):
            raise FraudopsError("--allow-worse needs --reason '<why>': the override is recorded")
        if self.from_environment and (self.image or self.model_version):
            raise FraudopsError("--from copies an environment; do not pass --image/--model-version")
        if not self.from_environment and not (self.image and self.model_version):
            raise FraudopsError(
                "pass --image <name>@sha256:<digest> and --model-version N, or --from"
            )


def request_promotion(
    request: PromotionRequest,
    *,
    deploy: pathlib.Path,
    bundle: pathlib.Path,
    metrics: pathlib.Path,
    reports: pathlib.Path,
    tolerances: dict[str, float],
    now: dt.datetime,
    actor: str,
) -> PromotionResult:
    """Promote as ``request`` says: a new image and version built from the workspace's bundle,
    or exactly what another environment runs."""
    request.check()
    override = request.reason if request.allow_worse else None
    if request.from_environment:
        return promote_from(
            deploy=deploy,
            environment=request.environment,
            source=request.from_environment,
            tolerances=tolerances,
            now=now,
            override_reason=override,
            actor=actor,
        )
    assert request.image is not None
    assert request.model_version is not None
    release = release_from_workspace(
        bundle_dir=bundle,
        metrics_path=metrics,
        reports_dir=reports,
        image=request.image,
        model_version=request.model_version,
    )
    return promote(
        deploy=deploy,
        environment=request.environment,
        release=release,
        tolerances=tolerances,
        now=now,
        override_reason=override,
        actor=actor,
    )


def describe_promotion(result: PromotionResult) -> list[str]:
    """The lines a promotion prints."""
    r = result.record.release
    what = f"{result.environment}: {r.model_name} version {r.model_version} {r.image}@{r.digest}"
    lines = [
        f"{what} ({len(result.changed)} file(s) changed)"
        if result.changed
        else f"{what} (already promoted: nothing changed)"
    ]
    if result.record.override:
        lines.append(f"gate overridden ({', '.join(result.record.override.failed)}): recorded")
    return lines
