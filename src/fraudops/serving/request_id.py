"""The id of the HTTP request being served: the client's ``X-Request-ID`` when it is usable,
else a new one. The request guard sets it; request validation stamps it on every record."""

from __future__ import annotations

import contextvars
import random
import re

HEADER = "x-request-id"
_USABLE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_CURRENT: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "fraudops_request_id", default=None
)


def new() -> str:
    # An id, not a secret: 128 random bits without a system call per request.
    return f"{random.getrandbits(128):032x}"


def from_header(value: str | None) -> str:
    """The client's id if it is short and plain (it ends up in logs), else a new one."""
    if value and _USABLE.fullmatch(value):
        return value
    return new()


def current() -> str:
    """The id of the request in progress, or a new one outside a request."""
    return _CURRENT.get() or new()


def bind(value: str) -> contextvars.Token[str | None]:
    return _CURRENT.set(value)


def unbind(token: contextvars.Token[str | None]) -> None:
    _CURRENT.reset(token)
