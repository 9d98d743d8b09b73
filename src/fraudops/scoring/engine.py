"""Scoring engines behind one interface, chosen by a setting.

Every consumer (batch scoring, the BentoML service, monitoring demos) asks ``load_engine`` for
an engine and calls ``predict_proba`` with a frame of the contract's features; it never touches
the pipeline directly, so a faster engine can be swapped in by configuration.

Two engines: ``sklearn`` unpickles the bundle's pipeline; ``onnx`` runs the ONNX export of the
same pipeline (``fraudops export-onnx``) in ONNX Runtime, without scikit-learn at scoring time.
The ONNX file records the checksum of the bundle it was converted from, and is refused when it
does not match the bundle beside it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import pathlib
import typing

import numpy as np
import pandas as pd

from fraudops.core.contract import Contract
from fraudops.environment import EngineName, load_environment
from fraudops.errors import FraudopsError
from fraudops.io.bundle import load_bundle, verify_bundle

ENGINE_NAMES: tuple[EngineName, ...] = typing.get_args(EngineName)
ONNX_FILE = "model.onnx"
# metadata_props keys written by the export and checked on load
ONNX_BUNDLE_CHECKSUM = "fraudops.bundle_checksum"
ONNX_BUNDLE_VERSION = "fraudops.bundle_version"
ONNX_PROBABILITIES = "probabilities"


class Engine(typing.Protocol):
    name: str
    contract: Contract

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        """Fraud probability per row (1-D), for a frame holding the contract's features."""
        ...


@dataclasses.dataclass
class SklearnEngine:
    pipeline: typing.Any
    contract: Contract
    name: str = "sklearn"
    threads: int | None = None  # OpenMP threads per call; None: scikit-learn's default

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        if features.empty:
            return np.empty(0, dtype=float)
        with contextlib.ExitStack() as stack:
            if self.threads:
                # threadpoolctl comes with scikit-learn (a dependency of it). The OpenMP limit
                # holds for the calling thread only, so concurrent callers can each have one.
                from threadpoolctl import threadpool_limits

                stack.enter_context(threadpool_limits(self.threads, user_api="openmp"))
            scores = self.pipeline.predict_proba(features[self.contract.feature_names])
        return np.asarray(scores[:, 1])


def _strings(column: pd.Series) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype):
        # Convert the few categories, not every row; code -1 (missing) picks the final "nan",
        # as astype(str) spells a missing value.
        labels = np.append(np.asarray(column.cat.categories.astype(str), dtype=object), "nan")
        return labels.take(column.cat.codes.to_numpy())
    return column.astype(str).to_numpy(dtype=object)


def onnx_feeds(features: pd.DataFrame, contract: Contract) -> dict[str, np.ndarray]:
    """One ``(rows, 1)`` input per feature, as the export declares them: float32 for numbers,
    strings for categories."""
    feeds = {}
    for feature in contract.features:
        column = features[feature.name]
        if feature.kind == "numeric":
            values = pd.to_numeric(column).to_numpy(dtype=np.float32)
        else:
            values = _strings(column)
        feeds[feature.name] = values.reshape(-1, 1)
    return feeds


def onnx_session(model: bytes | pathlib.Path, threads: int | None = None) -> typing.Any:
    """An ONNX Runtime session on the CPU with ``threads`` threads per call; by default as many
    as ``OMP_NUM_THREADS`` when it is set (as the service sets it per worker), else one per
    core."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    threads = threads or load_environment().omp_threads
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    source = model if isinstance(model, bytes) else str(model)
    return onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])


@dataclasses.dataclass
class OnnxEngine:
    session: typing.Any
    contract: Contract
    name: str = "onnx"

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        if features.empty:
            return np.empty(0, dtype=float)
        (probabilities,) = self.session.run(
            [ONNX_PROBABILITIES], onnx_feeds(features, self.contract)
        )
        return np.asarray(probabilities[:, 1], dtype=float)


def engine_name(value: str, origin: str = "engine") -> EngineName:
    """``value`` as an engine name, or a clear error naming where it came from."""
    for name in ENGINE_NAMES:
        if value == name:
            return name
    raise FraudopsError(f"{origin}={value!r}: choose {' or '.join(ENGINE_NAMES)}")


def engine_name_from_env() -> EngineName:
    """The engine named by ``FRAUDOPS_ENGINE`` (unset or empty: sklearn)."""
    return load_environment().engine


def find_onnx(bundle_dir: pathlib.Path | str) -> pathlib.Path:
    """The ONNX export for a bundle: ``model.onnx`` inside the bundle folder (as a copied
    BentoML model folder holds it), else beside it (``models/model.onnx``, the DVC output)."""
    bundle_dir = pathlib.Path(bundle_dir)
    candidates = [bundle_dir / ONNX_FILE, bundle_dir.parent / ONNX_FILE]
    for path in candidates:
        if path.is_file():
            return path
    raise FraudopsError(
        f"no ONNX export for the bundle {bundle_dir} (looked for "
        f"{' and '.join(map(str, candidates))}); run `dvc repro export_onnx` "
        "or `fraudops export-onnx`, or choose the sklearn engine"
    )


def load_onnx_engine(
    onnx_path: pathlib.Path, contract: Contract, threads: int | None = None
) -> OnnxEngine:
    """The ONNX engine, after checking that the file was exported from this bundle."""
    session = onnx_session(onnx_path, threads)
    meta = session.get_modelmeta().custom_metadata_map
    exported_from = meta.get(ONNX_BUNDLE_CHECKSUM, "")
    if exported_from != contract.checksum:
        raise FraudopsError(
            f"{onnx_path} was exported from another model bundle "
            f"(version {meta.get(ONNX_BUNDLE_VERSION, 'unknown')}, this bundle is "
            f"{contract.bundle_version}); rerun the export (`dvc repro export_onnx`)"
        )
    return OnnxEngine(session=session, contract=contract)


def load_engine(
    bundle_dir: pathlib.Path | str,
    name: EngineName = "sklearn",
    *,
    onnx_path: pathlib.Path | str | None = None,
    threads: int | None = None,
) -> Engine:
    """The engine ``name`` for the bundle in ``bundle_dir`` (checksum verified). For ``onnx``
    the export is ``onnx_path`` when given, else found by ``find_onnx``. ``threads`` bounds the
    threads one ``predict_proba`` call uses (batch scoring runs one call per core instead)."""
    if name == "sklearn":
        bundle = load_bundle(bundle_dir)
        return SklearnEngine(pipeline=bundle.pipeline, contract=bundle.contract, threads=threads)
    if name == "onnx":
        # The pipeline is not unpickled: an edge device needs only the contract and the export.
        contract = verify_bundle(pathlib.Path(bundle_dir))
        path = pathlib.Path(onnx_path) if onnx_path else find_onnx(bundle_dir)
        if not path.is_file():
            raise FraudopsError(f"ONNX model not found: {path}")
        return load_onnx_engine(path, contract, threads)
    raise FraudopsError(f"scoring engine {name!r} is not available: choose sklearn or onnx")
