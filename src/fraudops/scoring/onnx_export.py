"""Conversion of the fitted pipeline to ONNX (skl2onnx) and the parity check against it.

The ONNX graph has one ``(rows, 1)`` input per feature (float for numbers, string for
categories) so that the ColumnTransformer converts as it is, and one ``probabilities`` output
(no ZipMap). The bundle's checksum and version go into the model's metadata so that the ONNX
engine refuses an export made from another bundle.

skl2onnx's HistGradientBoostingClassifier converter writes a Python ``False`` into the integer
attribute ``nodes_missing_value_tracks_true`` (for leaves); protobuf 7.34 and later reject a
boolean in an integer field ("Expected an int, got a boolean"), whatever skl2onnx or
scikit-learn version is used. The converter is therefore called through a container that turns
booleans in list attributes into integers: the same values, in the type the schema declares.
"""

from __future__ import annotations

import dataclasses
import typing

import numpy as np
import pandas as pd

from fraudops.core.contract import Contract
from fraudops.scoring.engine import (
    ONNX_BUNDLE_CHECKSUM,
    ONNX_BUNDLE_VERSION,
    ONNX_PROBABILITIES,
    OnnxEngine,
)

if typing.TYPE_CHECKING:
    import onnx


class _IntegerAttributes:
    """A skl2onnx container that passes boolean list attributes on as integers."""

    def __init__(self, container: typing.Any) -> None:
        self._container = container

    def __getattr__(self, name: str) -> typing.Any:
        return getattr(self._container, name)

    def add_node(self, *args: typing.Any, **attrs: typing.Any) -> typing.Any:
        for key, value in attrs.items():
            if isinstance(value, list) and any(isinstance(v, bool | np.bool_) for v in value):
                attrs[key] = [int(v) for v in value]
        return self._container.add_node(*args, **attrs)


def _convert_hist_gradient_boosting(
    scope: typing.Any, operator: typing.Any, container: typing.Any
) -> None:
    from skl2onnx.operator_converters.random_forest import (
        convert_sklearn_random_forest_classifier,
    )

    convert_sklearn_random_forest_classifier(scope, operator, _IntegerAttributes(container))


def convert_pipeline(pipeline: typing.Any, contract: Contract) -> onnx.ModelProto:
    """The ONNX model of ``pipeline``, tagged with the bundle it came from."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType
    from sklearn.ensemble import HistGradientBoostingClassifier

    inputs = [
        (f.name, FloatTensorType([None, 1]) if f.kind == "numeric" else StringTensorType([None, 1]))
        for f in contract.features
    ]
    classifier = pipeline.steps[-1][1]
    model = convert_sklearn(
        pipeline,
        initial_types=inputs,
        options={id(classifier): {"zipmap": False}},
        custom_conversion_functions={
            HistGradientBoostingClassifier: _convert_hist_gradient_boosting
        },
    )
    outputs = [output.name for output in model.graph.output]
    if ONNX_PROBABILITIES not in outputs:
        raise RuntimeError(f"the converted model has no {ONNX_PROBABILITIES!r} output: {outputs}")
    model.doc_string = f"{contract.model_name} {contract.bundle_version} ({contract.classifier})"
    for key, value in {
        ONNX_BUNDLE_CHECKSUM: contract.checksum,
        ONNX_BUNDLE_VERSION: contract.bundle_version,
        "fraudops.model_name": contract.model_name,
    }.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    return model


@dataclasses.dataclass(frozen=True)
class Parity:
    """How closely the ONNX model reproduces the pipeline on the same rows."""

    rows: int
    max_abs_diff: float
    mean_abs_diff: float
    decision_mismatches: int
    threshold: float

    def failures(self, max_abs_diff: float, identical_decisions: bool) -> list[str]:
        problems = []
        if not self.max_abs_diff <= max_abs_diff:
            problems.append(
                f"largest probability difference {self.max_abs_diff:.3g} > {max_abs_diff:g}"
            )
        if identical_decisions and self.decision_mismatches:
            problems.append(
                f"{self.decision_mismatches} of {self.rows} decisions differ "
                f"at threshold {self.threshold:.4f}"
            )
        return problems


def check_parity(
    pipeline: typing.Any, engine: OnnxEngine, features: pd.DataFrame, contract: Contract
) -> Parity:
    """Compare the pipeline's and the ONNX engine's probabilities and decisions on ``features``
    (rows that satisfy the contract)."""
    expected = np.asarray(pipeline.predict_proba(features[contract.feature_names])[:, 1])
    actual = engine.predict_proba(features)
    diff = np.abs(expected - actual)
    mismatches = (expected >= contract.threshold) != (actual >= contract.threshold)
    return Parity(
        rows=len(features),
        max_abs_diff=float(diff.max()) if len(diff) else 0.0,
        mean_abs_diff=float(diff.mean()) if len(diff) else 0.0,
        decision_mismatches=int(mismatches.sum()),
        threshold=contract.threshold,
    )
