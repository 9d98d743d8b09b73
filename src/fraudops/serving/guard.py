"""The request guard: an ASGI middleware in front of the scoring routes.

It gives every request an id (``X-Request-ID`` in and out), refuses a body over the size limit
(413) or not sent as JSON (415) before anything parses it, and turns BentoML's error answers
into one JSON shape, ``{"error": ..., "detail": [...], "request_id": ...}``, whose message names
the field at fault, with the fitting status: 400 malformed JSON, 413 more records than allowed,
422 a field that breaks the schema, 429 overloaded (retry later), 503 model not loaded.
"""

from __future__ import annotations

import dataclasses
import json
import typing

from fraudops.serving import request_id

Scope = typing.MutableMapping[str, typing.Any]
Message = typing.MutableMapping[str, typing.Any]
Receive = typing.Callable[[], typing.Awaitable[Message]]
Send = typing.Callable[[Message], typing.Awaitable[None]]
App = typing.Callable[[Scope, Receive, Send], typing.Awaitable[None]]

RETRY_AFTER_SECONDS = 1
MAX_LISTED_ERRORS = 10


@dataclasses.dataclass
class ServiceState:
    """What the guard must know about the service in its process."""

    loaded: bool = False
    load_error: str = "the model is still loading"


@dataclasses.dataclass(frozen=True)
class Limits:
    max_request_bytes: int
    max_records: int
    max_latency_ms: int
    max_concurrency: int


@dataclasses.dataclass(frozen=True)
class ErrorAnswer:
    status: int
    body: dict[str, typing.Any]
    retry: bool = False


class RequestGuard:
    def __init__(
        self, app: App, *, routes: typing.Collection[str], limits: Limits, state: ServiceState
    ) -> None:
        self.app = app
        self.routes = frozenset(routes)
        self.limits = limits
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.routes:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        current = request_id.from_header(headers.get(request_id.HEADER))
        token = request_id.bind(current)
        try:
            if scope["method"] != "POST":  # the router answers 405
                await self.app(scope, receive, send)
                return
            admitted = await self._admit(headers, receive)
            if isinstance(admitted, ErrorAnswer):
                await _send_answer(send, admitted, current)
                return
            rewriter = _Rewriter(send, current, self.explain)
            await self.app(scope, _replay(admitted, receive), rewriter)
        finally:
            request_id.unbind(token)

    async def _admit(self, headers: dict[str, str], receive: Receive) -> bytes | ErrorAnswer:
        """The body of an acceptable request, or the refusal."""
        refusal = self._refuse_early(headers)
        if refusal is not None:
            return refusal
        body = await _read_body(receive, self.limits.max_request_bytes)
        return self._too_large() if body is None else body

    def _refuse_early(self, headers: dict[str, str]) -> ErrorAnswer | None:
        media = headers.get("content-type", "application/json").split(";")[0].strip().lower()
        if media != "application/json":
            return ErrorAnswer(
                415,
                {"error": f"Content-Type must be application/json, not {media or 'empty'!r}"},
            )
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limits.max_request_bytes:
            return self._too_large(int(length))
        return None

    def _too_large(self, size: int | None = None) -> ErrorAnswer:
        got = f"{size} bytes" if size is not None else "more"
        return ErrorAnswer(
            413,
            {
                "error": f"request body: {got}, over the limit of "
                f"{self.limits.max_request_bytes} bytes (FRAUDOPS_MAX_REQUEST_BYTES)"
            },
        )

    def explain(self, status: int, raw: bytes) -> ErrorAnswer:
        """The answer for BentoML's error ``status`` with body ``raw``."""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"error": raw.decode("utf-8", "replace")}
        if isinstance(body, list) and len(body) == 1:  # BentoML wraps its 4xx bodies in a list
            body = body[0]
        if not isinstance(body, dict):
            body = {"error": str(body)}
        if status == 400 and isinstance(body.get("detail"), list):
            return self._invalid(body["detail"])
        if status == 503 and not self.state.loaded:
            return ErrorAnswer(503, {"error": f"model not loaded: {self.state.load_error}"})
        if status == 503:  # adaptive batching shed a request that waited too long
            return ErrorAnswer(
                429,
                {
                    "error": "overloaded: the request would wait longer than "
                    f"{self.limits.max_latency_ms} ms (FRAUDOPS_MAX_LATENCY_MS); retry later"
                },
                retry=True,
            )
        if status == 429:
            return ErrorAnswer(
                429,
                {
                    "error": "overloaded: more than "
                    f"{self.limits.max_concurrency} requests in flight "
                    "(FRAUDOPS_MAX_CONCURRENCY); retry later"
                },
                retry=True,
            )
        return ErrorAnswer(status, {"error": str(body.get("error", "request failed"))})

    def _invalid(self, errors: list[dict[str, typing.Any]]) -> ErrorAnswer:
        detail = [
            {
                "field": field_path(error.get("loc", [])),
                "type": error.get("type", ""),
                "message": error.get("msg", ""),
            }
            for error in errors
        ]
        if any(item["type"] == "json_invalid" for item in detail):
            message = next(item["message"] for item in detail if item["type"] == "json_invalid")
            return ErrorAnswer(400, {"error": f"malformed JSON: {message}", "detail": detail})
        too_long = [item for item in detail if item["type"] == "too_long"]
        if too_long:
            first = too_long[0]
            return ErrorAnswer(
                413,
                {
                    "error": f"{first['field']}: {first['message']} "
                    f"(at most {self.limits.max_records} records a request, "
                    "FRAUDOPS_MAX_RECORDS)",
                    "detail": detail,
                },
            )
        listed = "; ".join(
            f"{item['field'] or 'body'}: {item['message']}" for item in detail[:MAX_LISTED_ERRORS]
        )
        more = len(detail) - MAX_LISTED_ERRORS
        if more > 0:
            listed += f"; and {more} more"
        return ErrorAnswer(422, {"error": f"invalid request: {listed}", "detail": detail})


def field_path(loc: typing.Sequence[typing.Any]) -> str:
    """``["transactions", 0, "amount"]`` as ``transactions[0].amount``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


class _Rewriter:
    """Passes successful answers through (adding the request id); holds error answers back
    until they are complete, then sends the explained answer instead."""

    def __init__(
        self, send: Send, current: str, explain: typing.Callable[[int, bytes], ErrorAnswer]
    ) -> None:
        self.send = send
        self.current = current
        self.explain = explain
        self.held: Message | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if message["status"] >= 400 and message["status"] not in (500, 504):
                self.held = message
                return
            headers = [*message.get("headers", []), _id_header(self.current)]
            await self.send({**message, "headers": headers})
            return
        if self.held is None or message["type"] != "http.response.body":
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            answer = self.explain(self.held["status"], b"".join(self.chunks))
            await _send_answer(self.send, answer, self.current)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it exceeds ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _id_header(current: str) -> tuple[bytes, bytes]:
    return (request_id.HEADER.encode(), current.encode())


async def _send_answer(send: Send, answer: ErrorAnswer, current: str) -> None:
    payload = json.dumps({**answer.body, "request_id": current}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        _id_header(current),
    ]
    if answer.retry:
        headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload, "more_body": False})
