"""Commit a promotion under a bot identity; nothing to commit means no commit at all.

CI calls this (``fraudops promote ... --commit``) instead of scripting git in a workflow. The
identity can be replaced with git's own ``GIT_AUTHOR_*`` / ``GIT_COMMITTER_*`` variables.
"""

from __future__ import annotations

import pathlib
import subprocess

from fraudops.errors import FraudopsError
from fraudops.gitops.record import PromotionRecord

BOT_NAME = "fraudops-bot"
BOT_EMAIL = "fraudops-bot@users.noreply.github.com"


def _git(root: pathlib.Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", f"user.name={BOT_NAME}", "-c", f"user.email={BOT_EMAIL}", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def commit_message(record: PromotionRecord) -> str:
    r = record.release
    subject = f"Promote {r.model_name} version {r.model_version} to {record.environment}"
    body = [
        f"image: {r.image}@{r.digest}",
        f"bundle: {r.bundle_version} (trained from {r.git_commit})",
    ]
    if record.promoted_from:
        body.append(f"from: {record.promoted_from} (same digest, no rebuild)")
    if record.override:
        body.append(
            f"gate override by {record.override.by} "
            f"(worse on {', '.join(record.override.failed)}): {record.override.reason}"
        )
    body.append("Roll back with: git revert <this commit>")
    return subject + "\n\n" + "\n".join(body) + "\n"


def commit_paths(paths: list[pathlib.Path], message: str) -> str | None:
    """Commit the changes to ``paths`` only (other staged work is left alone); the new
    commit's SHA, or None when they did not change."""
    top = _git(paths[0].resolve().parent, "rev-parse", "--show-toplevel")
    if top.returncode:
        raise FraudopsError(f"{paths[0]} is not in a git repository: {top.stderr.strip()}")
    root = pathlib.Path(top.stdout.strip())
    specs = [str(p.resolve().relative_to(root)) for p in paths]
    staged = _git(root, "add", "--all", "--", *specs)
    if staged.returncode:
        raise FraudopsError(f"git add failed in {root}: {staged.stderr.strip()}")
    if _git(root, "diff", "--cached", "--quiet", "--", *specs).returncode == 0:
        return None
    done = _git(root, "commit", "--quiet", "--no-verify", "-m", message, "--", *specs)
    if done.returncode:
        raise FraudopsError(f"git commit failed in {root}: {done.stderr.strip()}")
    return _git(root, "rev-parse", "HEAD").stdout.strip()
