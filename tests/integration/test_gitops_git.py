"""Promotion commits in a real git repository: a bot commit per change, none when nothing
changed, and `git revert` of a promotion commit restoring the overlay exactly."""

from __future__ import annotations

import pathlib

from fraudops.gitops.commit import BOT_NAME, commit_message, commit_paths
from fraudops.gitops.promote import promote
from tests.gitops_support import (
    DIGEST_B,
    LATER,
    NOW,
    TOLERANCES,
    git,
    git_repo,
    make_release,
    snapshot,
)


def _promote(root: pathlib.Path, **release_changes: object) -> str | None:
    result = promote(
        deploy=root / "deploy",
        environment="staging",
        release=make_release(**release_changes),
        tolerances=TOLERANCES,
        now=LATER if release_changes else NOW,
    )
    return commit_paths(result.files, commit_message(result.record))


def test_commit_paths__bot_commit_then_nothing_to_commit(tmp_path: pathlib.Path) -> None:
    root = git_repo(tmp_path / "repo")
    sha = _promote(root)
    assert sha is not None
    assert git(root, "rev-parse", "HEAD") == sha
    assert git(root, "log", "-1", "--format=%an") == BOT_NAME
    assert git(root, "log", "-1", "--format=%s") == "Promote card-fraud version 3 to staging"
    files = git(root, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert sorted(files) == [
        "deploy/overlays/staging/MODEL_CARD.md",
        "deploy/overlays/staging/kustomization.yaml",
        "deploy/overlays/staging/promotion.json",
    ]
    assert _promote(root) is None
    assert git(root, "rev-list", "--count", "HEAD") == "2"


def test_commit_paths__leaves_other_staged_work_alone(tmp_path: pathlib.Path) -> None:
    root = git_repo(tmp_path / "repo")
    (root / "notes.txt").write_text("work in progress\n")
    git(root, "add", "notes.txt")
    assert _promote(root) is not None
    assert "notes.txt" not in git(root, "show", "--name-only", "--format=", "HEAD")
    assert git(root, "diff", "--cached", "--name-only") == "notes.txt"


def test_git_revert__restores_the_previous_promotion(tmp_path: pathlib.Path) -> None:
    root = git_repo(tmp_path / "repo")
    _promote(root)
    first = snapshot(root / "deploy")
    _promote(root, model_version="4", digest=DIGEST_B)
    assert snapshot(root / "deploy") != first
    git(root, "revert", "--no-edit", "HEAD")
    assert snapshot(root / "deploy") == first
    assert git(root, "status", "--porcelain") == ""
