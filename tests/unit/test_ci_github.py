"""The pull-request comment is created once and then updated in place.

GitHub's API cannot be reached here, so it is replaced at the HTTP boundary by an in-memory
fake (httpx.MockTransport) that keeps comments like the real endpoint does."""

from __future__ import annotations

import json

import httpx
import pytest

from fraudops.ci.github import MARKER, github_client, upsert_comment
from fraudops.ci.pr_report import compose
from fraudops.errors import FraudopsError


class FakeIssueComments:
    def __init__(self) -> None:
        self.comments: list[dict] = [{"id": 1, "body": "LGTM"}]
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(f"{request.method} {request.url.path}")
        assert request.headers["Authorization"] == "Bearer t0ken"
        if request.method == "GET":
            return httpx.Response(200, json=self.comments)
        body = json.loads(request.content)["body"]
        if request.method == "POST":
            comment = {"id": 100 + len(self.comments), "body": body}
            self.comments.append(comment)
            return httpx.Response(201, json=comment)
        comment_id = int(request.url.path.rsplit("/", 1)[1])
        match = next(c for c in self.comments if c["id"] == comment_id)
        match["body"] = body
        return httpx.Response(200, json=match)


def test_upsert_comment__creates_then_updates_in_place() -> None:
    fake = FakeIssueComments()
    with github_client("t0ken", transport=httpx.MockTransport(fake)) as client:
        first = upsert_comment(client, "acme/fraud", 7, "report one")
        second = upsert_comment(client, "acme/fraud", 7, "report two")
    assert first.action == "created"
    assert second.action == "updated"
    assert second.comment_id == first.comment_id
    assert len(fake.comments) == 2
    assert fake.comments[1]["body"] == f"{MARKER}\nreport two"
    assert fake.calls[-1] == f"PATCH /repos/acme/fraud/issues/comments/{first.comment_id}"


def test_github_client__needs_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with pytest.raises(FraudopsError, match="GITHUB_TOKEN"):
        github_client()


def test_compose__every_section_present() -> None:
    text = compose(
        params_diff="| p |",
        metrics_diff="| m |",
        checks=["data ok"],
        verdict="candidate accepted",
        plots_link="https://example.invalid/run",
    )
    assert text.startswith(MARKER)
    for part in ("candidate accepted", "| m |", "| p |", "data ok", "https://example.invalid/run"):
        assert part in text


def test_compose__empty_parts_say_so() -> None:
    text = compose(params_diff="", metrics_diff="", checks=[], verdict=None, plots_link=None)
    assert "No metric changed" in text
    assert "No verdict" in text
    assert "dvc plots diff main" in text


def test_suite_status__pass_fail_and_missing(tmp_path) -> None:
    from fraudops.ci.pr_report import suite_status

    (tmp_path / "data_integrity.json").write_text('{"passed": true}')
    (tmp_path / "data_integrity.md").write_text("### Data integrity: passed")
    (tmp_path / "train_test_validation.json").write_text('{"passed": false}')
    assert suite_status(tmp_path, "data_integrity") == ("### Data integrity: passed", True)
    assert suite_status(tmp_path, "train_test_validation")[1] is False
    text, passed = suite_status(tmp_path, "model_evaluation")
    assert not passed
    assert "not run" in text
    with pytest.raises(FraudopsError, match="unknown suite"):
        suite_status(tmp_path, "nope")
