"""Request and response schemas derived from a feature contract: what passes, what is refused
(and where the error points), and what the OpenAPI page shows."""

from __future__ import annotations

import json
import typing

import pydantic
import pytest

from fraudops.serving import request_id
from fraudops.serving.schema import MAX_INTEGER, build_schemas, example
from tests.serving_support import make_contract, transaction

CONTRACT = make_contract()
SCHEMAS = build_schemas(CONTRACT, max_records=3)


def _errors(body: str) -> list[tuple[str, tuple[typing.Any, ...]]]:
    with pytest.raises(pydantic.ValidationError) as caught:
        SCHEMAS.batch_request.model_validate_json(body)
    return [(e["type"], tuple(e["loc"])) for e in caught.value.errors()]


def _batch(*records: dict[str, typing.Any], **extra: typing.Any) -> str:
    return json.dumps({"transactions": list(records), **extra})


def test_schema__valid_records_pass_with_their_values() -> None:
    request = SCHEMAS.batch_request.model_validate_json(
        _batch(transaction(transaction_id="t-1"), transaction(amount=7))
    )
    first, second = request.transactions
    assert first.amount == 120.5
    assert first.transaction_id == "t-1"
    assert second.transaction_id is None
    assert second.amount == 7.0
    assert isinstance(second.amount, float)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_batch(transaction(amount=-1)), ("greater_than_equal", ("transactions", 0, "amount"))),
        (_batch(transaction(tx_count_1h=2.5)), ("int_type", ("transactions", 0, "tx_count_1h"))),
        (_batch(transaction(tx_count_1h="2")), ("int_type", ("transactions", 0, "tx_count_1h"))),
        (_batch(transaction(amount="12")), ("float_type", ("transactions", 0, "amount"))),
        (_batch(transaction(channel="fax")), ("literal_error", ("transactions", 0, "channel"))),
        (_batch(transaction(extra=1)), ("extra_forbidden", ("transactions", 0, "extra"))),
        (_batch(transaction(), extra=1), ("extra_forbidden", ("extra",))),
        (_batch(), ("too_short", ("transactions",))),
        (_batch(*[transaction()] * 4), ("too_long", ("transactions",))),
        ('{"transactions": [', ("json_invalid", ())),
        ("[]", ("model_type", ())),
        (
            _batch(transaction(tx_count_1h=MAX_INTEGER + 1)),
            ("less_than_equal", ("transactions", 0, "tx_count_1h")),
        ),
        (
            _batch(transaction(transaction_id="x" * 200)),
            ("string_too_long", ("transactions", 0, "transaction_id")),
        ),
    ],
)
def test_schema__bad_input_is_refused_at_the_field(
    body: str, expected: tuple[str, tuple[typing.Any, ...]]
) -> None:
    assert expected in _errors(body)


def test_schema__missing_field_is_named() -> None:
    record = transaction()
    del record["channel"]
    assert ("missing", ("transactions", 0, "channel")) in _errors(_batch(record))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_schema__non_finite_numbers_are_refused(literal: str) -> None:
    body = _batch(transaction(amount=1.5)).replace("1.5", literal)
    assert ("finite_number", ("transactions", 0, "amount")) in _errors(body)


def test_schema__records_carry_the_request_id_and_their_position() -> None:
    token = request_id.bind("req-42")
    try:
        request = SCHEMAS.batch_request.model_validate_json(_batch(transaction(), transaction()))
    finally:
        request_id.unbind(token)
    assert [(t.request_id, t.position) for t in request.transactions] == [
        ("req-42", 0),
        ("req-42", 1),
    ]
    single = SCHEMAS.single_request.model_validate_json(json.dumps({"transaction": transaction()}))
    assert len(single.transaction.request_id) == 32  # a fresh id outside a request


def test_schema__openapi_shows_names_types_limits_and_allowed_categories() -> None:
    schema = SCHEMAS.batch_request.model_json_schema()
    records = schema["properties"]["transactions"]
    assert (records["minItems"], records["maxItems"]) == (1, 3)
    item = schema["$defs"]["Transaction"]
    assert item["additionalProperties"] is False
    assert set(item["required"]) == {"amount", "tx_count_1h", "channel", "country"}
    props = item["properties"]
    assert props["amount"]["type"] == "number"
    assert props["amount"]["minimum"] == 0
    assert props["tx_count_1h"]["type"] == "integer"
    assert props["channel"]["enum"] == ["in_store", "online"]
    assert props["country"]["enum"] == ["US"]  # a single category is an enum too, not const
    assert "rejected with 422" in props["channel"]["description"]
    assert item["example"] == example(CONTRACT)


def test_schema__example_is_valid_for_its_contract() -> None:
    SCHEMAS.single_request.model_validate_json(json.dumps({"transaction": example(CONTRACT)}))
