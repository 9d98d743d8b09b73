"""One pull-request comment, found by a hidden marker and updated in place on every push."""

from __future__ import annotations

import dataclasses

import httpx

from fraudops.environment import load_environment
from fraudops.errors import FraudopsError

MARKER = "<!-- fraudops-pr-report -->"


@dataclasses.dataclass(frozen=True)
class CommentResult:
    action: str  # "created" or "updated"
    comment_id: int


def _existing_comment(client: httpx.Client, repo: str, pr: int) -> int | None:
    url: str | None = f"/repos/{repo}/issues/{pr}/comments?per_page=100"
    while url:
        response = client.get(url)
        response.raise_for_status()
        for comment in response.json():
            if MARKER in (comment.get("body") or ""):
                return int(comment["id"])
        url = response.links.get("next", {}).get("url")
    return None


def upsert_comment(client: httpx.Client, repo: str, pr: int, body: str) -> CommentResult:
    """Update the comment that carries the marker, or create it."""
    text = body if MARKER in body else f"{MARKER}\n{body}"
    existing = _existing_comment(client, repo, pr)
    if existing is None:
        response = client.post(f"/repos/{repo}/issues/{pr}/comments", json={"body": text})
        response.raise_for_status()
        return CommentResult("created", int(response.json()["id"]))
    response = client.patch(f"/repos/{repo}/issues/comments/{existing}", json={"body": text})
    response.raise_for_status()
    return CommentResult("updated", existing)


def github_client(
    token: str | None = None,
    base_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """A client of GitHub's REST API (``GITHUB_API_URL``, as GitHub Actions sets it)."""
    env = load_environment()
    token = token or env.github_token
    if not token:
        raise FraudopsError("GITHUB_TOKEN is not set: cannot post the pull-request comment")
    return httpx.Client(
        base_url=base_url or env.github_api_url,
        transport=transport,
        timeout=30,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
    )
