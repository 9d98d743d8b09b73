"""Request and response models derived from a bundle's feature contract.

The OpenAPI page shows exactly what the model accepts: each feature by name and type, finite
numbers only and within each feature's allowed range (``fraudops.core.feature_rules``), no
extra fields, and for each categorical feature the categories seen in training. Any other
category is rejected (HTTP 422, naming the field and the allowed values) rather than scored:
the model has no information about it, and a silent guess would hide an upstream change.
Values outside the numeric ranges seen in training are accepted; they are a matter for drift
monitoring, not for the request path.
"""

from __future__ import annotations

import dataclasses
import typing

import pydantic

from fraudops.core.contract import Contract, Feature
from fraudops.serving import request_id

# Integers beyond 2**53 lose precision as floats, which is what the model computes with.
MAX_INTEGER = 2**53
ID_MAX_LENGTH = 128


class TransactionBase(pydantic.BaseModel):
    """One card transaction: the features the model was trained on, and an optional id."""

    model_config = pydantic.ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        json_schema_extra=lambda schema, model: _openapi_schema(schema, model),
    )
    example_record: typing.ClassVar[dict[str, typing.Any] | None] = None

    _request_id: str = pydantic.PrivateAttr(default="")
    _position: int = pydantic.PrivateAttr(default=0)

    def stamp(self, request: str, position: int) -> None:
        """Remember which request (and where in it) this record came from; adaptive batching
        merges records of many requests into one model call."""
        self._request_id = request
        self._position = position

    @property
    def request_id(self) -> str:
        return self._request_id

    @property
    def position(self) -> int:
        return self._position


def _openapi_schema(schema: dict[str, typing.Any], model: type) -> None:
    """OpenAPI 3.0 words, which BentoML's page understands: ``example``, and ``enum`` for a
    category set of one (JSON Schema's ``const``)."""
    record = getattr(model, "example_record", None)
    if record is not None:
        schema["example"] = record
    for prop in schema.get("properties", {}).values():
        if "const" in prop:
            prop["enum"] = [prop.pop("const")]


class Prediction(pydantic.BaseModel):
    """The model's answer for one transaction."""

    model_config = pydantic.ConfigDict(frozen=True, protected_namespaces=())

    request_id: str = pydantic.Field(
        description="id of the HTTP request: the client's X-Request-ID header, or a new one"
    )
    transaction_id: str | None = pydantic.Field(
        description="the transaction's id as sent by the client (null when none was sent)"
    )
    fraud_probability: float = pydantic.Field(ge=0, le=1, description="the model's score")
    is_fraud: bool = pydantic.Field(
        description="the decision: fraud_probability >= threshold (the model's chosen threshold)"
    )
    threshold: float = pydantic.Field(description="the threshold the decision used")
    model_name: str
    bundle_version: str


class StampedRequest(pydantic.BaseModel):
    """A request body whose records are stamped with the request id once validated."""

    model_config = pydantic.ConfigDict(extra="forbid")

    @pydantic.model_validator(mode="after")
    def _stamp_request_id(self) -> typing.Self:
        request = request_id.current()
        for value in self.__dict__.values():
            records = value if isinstance(value, list) else [value]
            for position, record in enumerate(records):
                if isinstance(record, TransactionBase):
                    record.stamp(request, position)
        return self


@dataclasses.dataclass(frozen=True)
class Schemas:
    transaction: type[TransactionBase]
    batch_request: type[StampedRequest]  # {"transactions": [...]}
    single_request: type[StampedRequest]  # {"transaction": {...}}
    max_records: int


def build_schemas(contract: Contract, *, max_records: int) -> Schemas:
    """The pydantic models for ``contract``, with at most ``max_records`` records a request."""
    fields: dict[str, typing.Any] = {
        contract.id_column: (
            str | None,
            pydantic.Field(
                None,
                min_length=1,
                max_length=ID_MAX_LENGTH,
                description="your id for the transaction: echoed back, and the record id in "
                "the prediction log (optional)",
            ),
        )
    }
    for feature in contract.features:
        fields[feature.name] = (
            _annotation(feature),
            pydantic.Field(description=_describe(feature)),
        )
    transaction = pydantic.create_model(
        "Transaction",
        __base__=TransactionBase,
        __doc__=f"One transaction, as model {contract.model_name} {contract.bundle_version} "
        "expects it. Unknown categories are rejected (422), not scored.",
        **fields,
    )
    transaction.example_record = example(contract)
    records = typing.Annotated[
        list[transaction],
        pydantic.Field(
            min_length=1,
            max_length=max_records,
            description=f"1 to {max_records} transactions; longer lists are answered 413",
        ),
    ]
    batch_request = pydantic.create_model(
        "PredictRequest",
        __base__=StampedRequest,
        __doc__="Transactions to score; concurrent requests are merged into one model call.",
        transactions=(records, ...),
    )
    single_request = pydantic.create_model(
        "PredictOneRequest",
        __base__=StampedRequest,
        __doc__="One transaction to score.",
        transaction=(transaction, ...),
    )
    return Schemas(
        transaction=transaction,
        batch_request=batch_request,
        single_request=single_request,
        max_records=max_records,
    )


def _annotation(feature: Feature) -> typing.Any:
    if feature.kind == "categorical":
        return typing.Literal[tuple(feature.categories or ())]
    allowed = feature.allowed_range
    if feature.dtype == "int":
        lower = -MAX_INTEGER if allowed.lower is None else max(allowed.lower, -MAX_INTEGER)
        upper = MAX_INTEGER if allowed.upper is None else min(allowed.upper, MAX_INTEGER)
        return typing.Annotated[int, pydantic.Field(ge=lower, le=upper)]
    return typing.Annotated[
        float, pydantic.Field(ge=allowed.lower, le=allowed.upper, allow_inf_nan=False)
    ]


def _describe(feature: Feature) -> str:
    if feature.kind == "categorical":
        return (
            f"one of {', '.join(feature.categories or ())}; "
            "any other value is rejected with 422 (unknown category)"
        )
    rule = feature.allowed_range.describe()
    if feature.dtype == "int":
        rule = rule.replace("a finite number", "an integer").replace(
            "any finite number", "any integer"
        )
    return (
        f"{rule}; seen in training from {feature.minimum:g} to {feature.maximum:g} "
        "(values outside that range are accepted and monitored for drift)"
    )


def example(contract: Contract) -> dict[str, typing.Any]:
    """A valid transaction for ``contract`` (for the OpenAPI page and smoke tests)."""
    record: dict[str, typing.Any] = {contract.id_column: "tx-0001"}
    for feature in contract.features:
        if feature.kind == "categorical":
            record[feature.name] = (feature.categories or [""])[0]
            continue
        low, high = feature.minimum or 0.0, feature.maximum or 0.0
        middle = low + (high - low) / 10
        record[feature.name] = round(middle) if feature.dtype == "int" else round(middle, 2)
    return record
