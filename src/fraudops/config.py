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


GatedMetric = typing.Literal[
    "roc_auc", "average_precision", "precision", "recall", "f1", "expected_cost"
]


class Promotion(Strict):
    """Champion/challenger gate: the most a candidate's test metric may be worse than the
    production model's (an absolute difference; for expected_cost, lower is better) before
    ``fraudops promote`` refuses it. Metrics not listed are reported, not gated."""

    tolerances: dict[GatedMetric, typing.Annotated[float, pydantic.Field(ge=0)]] = {
        "average_precision": 0.02,
        "roc_auc": 0.01,
        "expected_cost": 0.05,
    }


PerformanceMetric = typing.Literal["average_precision", "roc_auc", "precision", "recall", "f1"]


class MonitoringReference(Strict):
    """The reference sample (``models/reference``) that logged traffic is compared with."""

    rows: int = pydantic.Field(20_000, ge=100)
    seed: int = 42


class DriftThresholds(Strict):
    """A drift score above its threshold raises an alert (Deepchecks scores, 0 to 1)."""

    numeric_feature: float = pydantic.Field(0.1, gt=0, le=1)  # Kolmogorov-Smirnov statistic
    categorical_feature: float = pydantic.Field(0.1, gt=0, le=1)  # Cramer's V
    prediction: float = pydantic.Field(0.1, gt=0, le=1)  # Kolmogorov-Smirnov on the score
    multivariate: float = pydantic.Field(0.25, gt=0, le=1)  # 2 * AUC - 1 of a domain classifier


class PerformanceTolerance(Strict):
    """Concept drift: how far labelled performance may fall below the model's test figures."""

    min_positives: int = pydantic.Field(20, ge=1)
    max_drop: dict[PerformanceMetric, float] = {"average_precision": 0.15, "recall": 0.2}

    @pydantic.field_validator("max_drop")
    @classmethod
    def _positive(cls, value: dict[str, float]) -> dict[str, float]:
        bad = sorted(name for name, drop in value.items() if not 0 < drop <= 1)
        if bad:
            raise ValueError(f"drops must be in (0, 1]: {', '.join(bad)}")
        return value


class Monitoring(Strict):
    """Drift monitoring of the prediction logs (``fraudops monitor``)."""

    window_days: int = pydantic.Field(7, ge=1)
    bucket_hours: int = pydantic.Field(24, ge=1)
    sample_rows: int = pydantic.Field(20_000, ge=100)
    min_rows: int = pydantic.Field(500, ge=10)
    min_bucket_rows: int = pydantic.Field(200, ge=10)
    seed: int = 42
    reference: MonitoringReference = MonitoringReference()
    drift: DriftThresholds = DriftThresholds()
    performance: PerformanceTolerance = PerformanceTolerance()


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
    promotion: Promotion = Promotion()
    monitoring: Monitoring = Monitoring()
    # Defined at the end of the module (the checks section), hence the factory.
    checks: Checks = pydantic.Field(default_factory=lambda: Checks())
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


GateLevel = typing.Literal["fail", "warn", "off"]


class CheckRule(Strict):
    """How one check gates: ``fail`` stops the stage, ``warn`` only reports, ``off`` skips it.

    ``threshold`` is the figure the check is held to (a maximum or a minimum, per check: see
    docs/checks.md); ``sample_size`` overrides ``checks.sample_size`` for this check."""

    gate: GateLevel = "warn"
    threshold: float | None = None
    sample_size: int | None = pydantic.Field(None, ge=100)

    @pydantic.field_validator("gate", mode="before")
    @classmethod
    def _yaml_off(cls, value: object) -> object:
        # YAML 1.1 reads a bare `off` as false: take it as meant.
        return "off" if value is False else value


def _rule(
    gate: GateLevel, threshold: float | None = None, sample_size: int | None = None
) -> CheckRule:
    return CheckRule(gate=gate, threshold=threshold, sample_size=sample_size)


class DataIntegrityRules(Strict):
    """validate_data: the contract of the declared columns, then Deepchecks' data integrity."""

    data_not_empty: CheckRule = _rule("fail", 1000)
    declared_columns: CheckRule = _rule("fail")
    declared_types: CheckRule = _rule("fail")
    label_binary: CheckRule = _rule("fail")
    label_classes: CheckRule = _rule("fail", 10)
    impossible_values: CheckRule = _rule("fail", 0.0)
    conflicting_labels: CheckRule = _rule("fail", 0.01)
    percent_of_nulls: CheckRule = _rule("fail", 0.0)
    is_single_value: CheckRule = _rule("fail")
    special_characters: CheckRule = _rule("warn", 0.001)
    mixed_nulls: CheckRule = _rule("warn", 1)
    mixed_data_types: CheckRule = _rule("warn")
    string_mismatch: CheckRule = _rule("warn")
    data_duplicates: CheckRule = _rule("fail", 0.05)
    string_length_out_of_bounds: CheckRule = _rule("warn", 0.0)
    outlier_sample_detection: CheckRule = _rule("warn", 0.05, 2000)
    feature_label_correlation: CheckRule = _rule("fail", 0.8)
    feature_feature_correlation: CheckRule = _rule("warn", 0.9)
    identifier_label_correlation: CheckRule = _rule("warn", 0.1)


class TrainTestRules(Strict):
    """validate_split: Deepchecks' train-test validation of the training and test periods."""

    datasets_size_comparison: CheckRule = _rule("warn", 0.05)
    new_label_train_test: CheckRule = _rule("fail", 0)
    new_category_train_test: CheckRule = _rule("fail", 0.001)
    string_mismatch_comparison: CheckRule = _rule("warn")
    date_train_test_leakage_duplicates: CheckRule = _rule("fail", 0.0)
    date_train_test_leakage_overlap: CheckRule = _rule("fail", 0.0)
    index_train_test_leakage: CheckRule = _rule("fail", 0.0)
    train_test_samples_mix: CheckRule = _rule("fail", 0.01)
    feature_label_correlation_change: CheckRule = _rule("warn", 0.2)
    feature_drift: CheckRule = _rule("fail", 0.2)
    label_drift: CheckRule = _rule("warn", 0.15)
    multivariate_drift: CheckRule = _rule("warn", 0.25, 5000)


class ModelEvaluationRules(Strict):
    """validate_model: Deepchecks' model evaluation on the test period."""

    train_test_performance: CheckRule = _rule("warn", 0.2)
    roc_report: CheckRule = _rule("fail", 0.8)
    confusion_matrix_report: CheckRule = _rule("warn")
    prediction_drift: CheckRule = _rule("warn", 0.15)
    simple_model_comparison: CheckRule = _rule("fail", 0.1)
    weak_segments_performance: CheckRule = _rule("warn", 0.5, 3000)
    calibration_score: CheckRule = _rule("warn", 0.1)
    unused_features: CheckRule = _rule("warn", 5)
    model_inference_time: CheckRule = _rule("off", 0.005)


class Checks(Strict):
    """The Deepchecks gates after ingest, split and train (reports in ``reports/``)."""

    sample_size: int = pydantic.Field(10_000, ge=100)
    random_state: int = 42
    # A gating check that could not run (it raised) fails the gate unless this says "warn".
    not_run: typing.Literal["fail", "warn"] = "fail"
    data_integrity: DataIntegrityRules = DataIntegrityRules()
    train_test_validation: TrainTestRules = TrainTestRules()
    model_evaluation: ModelEvaluationRules = ModelEvaluationRules()


Params.model_rebuild()
