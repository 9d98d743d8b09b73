"""The GitOps commands end to end on a trained bundle, as CI runs them: promote to staging
(and again: nothing changes), the gate, production from staging, a refused worse model and a
recorded override, the model card, and a bot commit."""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import sys

import pytest

from tests.gitops_support import git, git_repo, snapshot
from tests.helpers import REPO

pytestmark = pytest.mark.slow
IMAGE_A = "ghcr.io/acme/fraudops:main@sha256:" + "a" * 64
IMAGE_B = "ghcr.io/acme/fraudops@sha256:" + "b" * 64


def _run(root: pathlib.Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fraudops", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: pathlib.Path, trained_workspace: pathlib.Path) -> pathlib.Path:
    """A git repository with deploy/, params.yaml, the bundle, its metrics and check reports."""
    root = git_repo(tmp_path / "repo")
    shutil.copy(REPO / "params.yaml", root / "params.yaml")
    shutil.copytree(trained_workspace / "models/bundle", root / "models/bundle")
    shutil.copy(trained_workspace / "metrics.json", root / "metrics.json")
    (root / "reports").mkdir()
    checks = [{"name": "Feature Drift", "status": "PASS", "value": 0.02, "threshold": 0.2}]
    (root / "reports/train_test_validation.json").write_text(json.dumps({"checks": checks}))
    return root


def _worse_metrics(root: pathlib.Path) -> pathlib.Path:
    report = json.loads((root / "metrics.json").read_text())
    report["model"]["average_precision"] -= 0.1
    path = root / "worse-metrics.json"
    path.write_text(json.dumps(report))
    return path


def test_cli__promotion_flow(repo: pathlib.Path) -> None:
    staged = _run(repo, "promote", "--env", "staging", "--image", IMAGE_A, "--model-version", "1")
    assert staged.returncode == 0, staged.stderr
    assert "3 file(s) changed" in staged.stdout
    record = json.loads((repo / "deploy/overlays/staging/promotion.json").read_text())
    assert record["release"]["image"] == "ghcr.io/acme/fraudops"  # the tag is dropped
    assert record["release"]["checks"][0]["name"] == "Feature Drift"
    before = snapshot(repo / "deploy")
    again = _run(repo, "promote", "--env", "staging", "--image", IMAGE_A, "--model-version", "1")
    assert "already promoted: nothing changed" in again.stdout
    assert snapshot(repo / "deploy") == before

    gate = _run(repo, "gate", "--from", "staging", "--output", "gate.md")
    assert gate.returncode == 0, gate.stderr
    assert "No champion in production yet" in (repo / "gate.md").read_text()

    prod = _run(repo, "promote", "--env", "production", "--from", "staging", "--commit")
    assert prod.returncode == 0, prod.stderr
    assert git(repo, "log", "-1", "--format=%s") == "Promote card-fraud version 1 to production"
    production = json.loads((repo / "deploy/overlays/production/promotion.json").read_text())
    assert production["release"] == record["release"]

    worse = _worse_metrics(repo)
    verdict = _run(repo, "gate", "--metrics", str(worse))
    assert verdict.returncode == 1
    assert "is refused" in verdict.stdout
    assert "**worse than tolerance**" in verdict.stdout

    before = snapshot(repo / "deploy")
    args = ["promote", "--env", "staging", "--image", IMAGE_B, "--model-version", "2"]
    refused = _run(repo, *args, "--metrics", str(worse))
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: card-fraud version 2 is worse than the production")
    assert "average_precision" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert snapshot(repo / "deploy") == before

    no_reason = _run(repo, *args, "--metrics", str(worse), "--allow-worse")
    assert no_reason.returncode == 1
    assert "--allow-worse needs --reason" in no_reason.stderr

    forced = _run(
        repo, *args, "--metrics", str(worse), "--allow-worse", "--reason", "hotfix", "--commit"
    )
    assert forced.returncode == 0, forced.stderr
    assert "gate overridden (average_precision): recorded" in forced.stdout
    override = json.loads((repo / "deploy/overlays/staging/promotion.json").read_text())["override"]
    assert override["reason"] == "hotfix"
    assert override["failed"] == ["average_precision"]
    assert "gate override by" in git(repo, "log", "-1", "--format=%b")

    card = _run(repo, "model-card", "--env", "production", "-o", "card.md")
    assert card.returncode == 0, card.stderr
    text = (repo / "card.md").read_text()
    assert text == (repo / "deploy/overlays/production/MODEL_CARD.md").read_text()
    assert "# Model card: card-fraud version 1 (production)" in text


def test_cli__promote_refuses_bad_input(repo: pathlib.Path) -> None:
    tagged = _run(
        repo, "promote", "--env", "staging", "--image", "ghcr.io/a/b:1", "--model-version", "1"
    )
    assert tagged.returncode == 1
    assert "not pinned by digest" in tagged.stderr
    both = _run(repo, "promote", "--env", "production", "--from", "staging", "--image", IMAGE_A)
    assert both.returncode == 1
    assert "--from copies an environment" in both.stderr
    stale = json.loads((repo / "metrics.json").read_text())
    stale["bundle_version"] = "19990101000000"
    (repo / "metrics.json").write_text(json.dumps(stale))
    mismatch = _run(repo, "promote", "--env", "staging", "--image", IMAGE_A, "--model-version", "1")
    assert mismatch.returncode == 1
    assert "metrics.json is for bundle 19990101000000" in mismatch.stderr
    assert git(repo, "status", "--porcelain", "deploy") == ""
