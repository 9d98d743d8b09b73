"""The request guard: body limits and media type before parsing, request ids in and out, and
BentoML's error answers rewritten to name the field with the fitting status."""

from __future__ import annotations

import asyncio
import json
import typing

import pytest

from fraudops.serving import request_id
from fraudops.serving.guard import Limits, RequestGuard, ServiceState, field_path

LIMITS = Limits(max_request_bytes=100, max_records=5, max_latency_ms=2000, max_concurrency=64)
Message = dict[str, typing.Any]


class Downstream:
    """Stands in for BentoML's app: records the body it got and answers a canned response."""

    def __init__(self, status: int = 200, body: typing.Any = None) -> None:
        self.status = status
        self.body = json.dumps(body if body is not None else {"ok": True}).encode()
        self.received: bytes | None = None
        self.request_id: str | None = None

    async def __call__(self, scope: Message, receive: typing.Any, send: typing.Any) -> None:
        message = await receive()
        self.received = message.get("body", b"")
        self.request_id = request_id.current()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


def _call(
    guard: RequestGuard,
    chunks: list[bytes],
    *,
    headers: dict[str, str] | None = None,
    path: str = "/predict",
    method: str = "POST",
) -> tuple[int, dict[str, str], dict[str, typing.Any]]:
    headers = {"content-type": "application/json", **(headers or {})}
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }
    incoming = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(guard(scope, receive, send))
    start, *bodies = sent
    answer_headers = {k.decode(): v.decode() for k, v in start["headers"]}
    payload = b"".join(m.get("body", b"") for m in bodies)
    return start["status"], answer_headers, json.loads(payload)


def _guard(downstream: Downstream, state: ServiceState | None = None) -> RequestGuard:
    state = state or ServiceState(loaded=True)
    return RequestGuard(downstream, routes=["/predict"], limits=LIMITS, state=state)  # type: ignore[arg-type]


def test_guard__passes_a_good_request_through_with_a_request_id() -> None:
    downstream = Downstream()
    status, headers, body = _call(_guard(downstream), [b'{"transactions":', b" []}"])
    assert (status, body) == (200, {"ok": True})
    assert downstream.received == b'{"transactions": []}'
    assert headers["x-request-id"] == downstream.request_id


def test_guard__keeps_a_usable_client_request_id_only() -> None:
    downstream = Downstream()
    _, headers, _ = _call(_guard(downstream), [b"{}"], headers={"x-request-id": "abc-123"})
    assert headers["x-request-id"] == downstream.request_id == "abc-123"
    _, headers, _ = _call(_guard(downstream), [b"{}"], headers={"x-request-id": "no spaces"})
    assert headers["x-request-id"] != "no spaces"


def test_guard__refuses_a_declared_large_body_before_reading_it() -> None:
    downstream = Downstream()
    status, _, body = _call(_guard(downstream), [b"x" * 500], headers={"content-length": "500"})
    assert status == 413
    assert "500 bytes" in body["error"]
    assert "FRAUDOPS_MAX_REQUEST_BYTES" in body["error"]
    assert downstream.received is None


def test_guard__refuses_a_streamed_body_once_it_passes_the_limit() -> None:
    downstream = Downstream()
    status, _, body = _call(_guard(downstream), [b"x" * 60, b"x" * 60])
    assert status == 413
    assert "FRAUDOPS_MAX_REQUEST_BYTES" in body["error"]
    assert downstream.received is None


@pytest.mark.parametrize("media", ["text/plain", "application/x-www-form-urlencoded"])
def test_guard__refuses_other_media_types(media: str) -> None:
    status, _, body = _call(_guard(Downstream()), [b"{}"], headers={"content-type": media})
    assert status == 415
    assert media in body["error"]


def test_guard__leaves_other_routes_and_methods_alone() -> None:
    status, headers, _ = _call(_guard(Downstream(status=400)), [b"x" * 500], path="/readyz")
    assert status == 400
    assert "x-request-id" not in headers
    status, _, _ = _call(_guard(Downstream(status=405)), [b""], method="GET")
    assert status == 405


def _validation(*errors: tuple[str, list[typing.Any], str]) -> dict[str, typing.Any]:
    return {
        "error": f"{len(errors)} validation error for Input",
        "detail": [{"type": t, "loc": loc, "msg": msg} for t, loc, msg in errors],
    }


@pytest.mark.parametrize(
    ("errors", "status", "message"),
    [
        (
            [("greater_than_equal", ["transactions", 0, "amount"], "Input should be >= 0")],
            422,
            "transactions[0].amount: Input should be >= 0",
        ),
        (
            [("literal_error", ["transactions", 2, "channel"], "Input should be 'a' or 'b'")],
            422,
            "transactions[2].channel: Input should be 'a' or 'b'",
        ),
        ([("json_invalid", [], "Invalid JSON: EOF")], 400, "malformed JSON: Invalid JSON: EOF"),
        (
            [("too_long", ["transactions"], "List should have at most 5 items, not 6")],
            413,
            "transactions: List should have at most 5 items, not 6 (at most 5 records",
        ),
        ([("model_type", [], "Input should be an object")], 422, "body: Input should be"),
    ],
)
def test_guard__validation_errors_name_the_field(
    errors: list[tuple[str, list[typing.Any], str]], status: int, message: str
) -> None:
    downstream = Downstream(status=400, body=_validation(*errors))
    got, headers, body = _call(_guard(downstream), [b"{}"])
    assert got == status
    assert message in body["error"]
    assert body["request_id"] == headers["x-request-id"]
    assert body["detail"][0]["field"] == field_path(errors[0][1])


def test_guard__many_errors_are_listed_up_to_a_bound() -> None:
    errors = [("missing", ["transactions", i, "amount"], "Field required") for i in range(15)]
    _, _, body = _call(_guard(Downstream(status=400, body=_validation(*errors))), [b"{}"])
    assert body["error"].endswith("and 5 more")
    assert len(body["detail"]) == 15


def test_guard__shed_load_is_429_with_retry_after() -> None:
    downstream = Downstream(status=503, body={"error": "An unexpected error has occurred"})
    status, headers, body = _call(_guard(downstream), [b"{}"])
    assert status == 429
    assert headers["retry-after"] == "1"
    assert "FRAUDOPS_MAX_LATENCY_MS" in body["error"]
    downstream = Downstream(status=429, body={"error": "Too many requests"})
    status, headers, body = _call(_guard(downstream), [b"{}"])
    assert status == 429
    assert "FRAUDOPS_MAX_CONCURRENCY" in body["error"]


def test_guard__model_not_loaded_is_503_with_the_reason() -> None:
    state = ServiceState(loaded=False, load_error="FraudopsError: fails its checksum")
    downstream = Downstream(status=503, body={"error": "An unexpected error has occurred"})
    status, _, body = _call(_guard(downstream, state), [b"{}"])
    assert status == 503
    assert body["error"] == "model not loaded: FraudopsError: fails its checksum"


def test_guard__bentoml_list_wrapped_errors_become_one_object() -> None:
    downstream = Downstream(status=415, body=[{"error": "pickle is not allowed"}])
    status, _, body = _call(_guard(downstream), [b"{}"])
    assert (status, body["error"]) == (415, "pickle is not allowed")


def test_field_path__formats_locations() -> None:
    assert field_path(["transactions", 3, "amount"]) == "transactions[3].amount"
    assert field_path(["transaction", "channel"]) == "transaction.channel"
    assert field_path([]) == ""
