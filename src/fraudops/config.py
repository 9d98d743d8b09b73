"""Typed, strict models of ``params.yaml``.

Every section is a frozen pydantic model with ``extra="forbid"`` so a typo or a bad value stops
before any work, with a message that names the key. ``dvc.yaml`` depends on whole sections, so a
new section here only reruns the stages that read it.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import typing

import pydantic
import yaml

from fraudops.errors import FraudopsError


class Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)


class Columns(Strict):
    """Roles of the columns of the source data."""

    id: str = "transaction_id"
    timestamp: str = "timestamp"
    label: str = "is_fraud"
    numeric: list[str]
    categorical: list[str]

    @pydantic.model_validator(mode="after")
    def _no_overlap(self) -> Columns:
        names = [self.id, self.timestamp, self.label, *self.numeric, *self.categorical]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"a column has more than one role: {', '.join(dupes)}")
        if not self.numeric and not self.categorical:
            raise ValueError("declare at least one numeric or categorical feature")
        return self

    @property
    def features(self) -> list[str]:
        return [*self.numeric, *self.categorical]


class DriftProfile(Strict):
    """Shifted distributions and fraud patterns from ``start`` on (for monitoring demos)."""

    start: dt.date
    amount_scale: float = pydantic.Field(1.0, gt=0)
    risky_merchant_share: float = pydantic.Field(0.0, ge=0, le=1)
    foreign_share: float | None = pydantic.Field(None, ge=0, le=1)
    fraud_pattern: typing.Literal["same", "low_amount_in_store"] = "same"


class Generator(Strict):
    """The built-in synthetic card-transaction generator."""

    rows: int = pydantic.Field(100_000, ge=100)
    seed: int = 42
    start: dt.date = dt.date(2025, 1, 1)
    end: dt.date = dt.date(2025, 6, 30)
    fraud_rate: float = pydantic.Field(0.015, gt=0, lt=0.5)
    label_noise: float = pydantic.Field(0.002, ge=0, lt=0.1)
    drift: DriftProfile | None = None

    @pydantic.model_validator(mode="after")
    def _dates(self) -> Generator:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Data(Strict):
    """Where ``ingest`` reads from: the generator, or a CSV/Parquet path or fsspec URI."""

    source: typing.Literal["generator"] | str = "generator"
    columns: Columns
    generator: Generator = Generator()


class Split(Strict):
    """Time-based split: train on the past, test on the most recent period."""

    test_start: dt.date | None = None
    test_fraction: float = pydantic.Field(0.2, gt=0, lt=1)
    validation_fraction: float = pydantic.Field(0.2, gt=0, lt=1)


Distribution = list[typing.Any] | dict[str, typing.Any]


class Search(Strict):
    n_iter: int = pydantic.Field(6, ge=1)
    cv_folds: int = pydantic.Field(3, ge=2)
    scoring: typing.Literal["average_precision", "roc_auc"] = "average_precision"
    space: dict[str, dict[str, Distribution]] = {}


class Train(Strict):
    model_name: str = pydantic.Field("card-fraud", pattern=r"^[a-z0-9][a-z0-9-]*$")
    classifier: typing.Literal["hist_gradient_boosting", "logistic_regression", "random_forest"]
    class_weight: typing.Literal["balanced", "none"] = "balanced"
    seed: int = 42
    search: Search = Search()


class Threshold(Strict):
    """How the decision threshold is chosen on the validation period."""

    objective: typing.Literal["min_cost", "max_recall_at_precision"] = "min_cost"
    cost_missed_fraud: float = pydantic.Field(200.0, gt=0)
    cost_false_alarm: float = pydantic.Field(5.0, gt=0)
    min_precision: float = pydantic.Field(0.5, gt=0, le=1)


class Evaluate(Strict):
    calibration_bins: int = pydantic.Field(10, ge=2, le=100)
    curve_points: int = pydantic.Field(200, ge=10, le=5000)


class ExportOnnx(Strict):
    """The parity gate of the ONNX export: the ONNX model must score the test period like the
    pipeline it was converted from."""

    max_abs_diff: float = pydantic.Field(1e-4, gt=0, le=0.01)
    identical_decisions: bool = True


class Params(Strict):
    data: Data
    split: Split = Split()
    train: Train
    threshold: Threshold = Threshold()
    evaluate: Evaluate = Evaluate()
    export_onnx: ExportOnnx = ExportOnnx()


def _format_error(path: pathlib.Path, error: pydantic.ValidationError) -> str:
    lines = [f"{path}: {error.error_count()} invalid setting(s)"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = "unknown key" if item["type"] == "extra_forbidden" else item["msg"]
        lines.append(f"  {key}: {message}")
    return "\n".join(lines)


def parse_params(raw: object, source: pathlib.Path = pathlib.Path("params.yaml")) -> Params:
    """Validate an already-loaded mapping; raise ``FraudopsError`` naming every bad key."""
    try:
        return Params.model_validate(raw)
    except pydantic.ValidationError as error:
        raise FraudopsError(_format_error(source, error)) from None


def load_params(path: pathlib.Path | str = "params.yaml") -> Params:
    """Read and validate ``params.yaml``."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise FraudopsError(f"params file not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise FraudopsError(f"{path}: not valid YAML: {error}") from None
    return parse_params(raw, path)


def params_json_schema() -> dict[str, typing.Any]:
    return Params.model_json_schema()
