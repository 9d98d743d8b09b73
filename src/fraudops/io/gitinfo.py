"""Lineage from git: the commit a model was trained from."""

from __future__ import annotations

import pathlib
import subprocess

from fraudops.environment import load_environment


def git_commit(cwd: pathlib.Path | None = None) -> str:
    """HEAD's SHA (``GITHUB_SHA`` in CI), with ``-dirty`` when tracked files changed."""
    ci_sha = load_environment().github_sha
    if ci_sha:
        return ci_sha
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{sha}-dirty" if dirty.strip() else sha
