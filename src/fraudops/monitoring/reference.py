"""The reference sample that logged traffic is compared with, kept beside the model bundle.

``models/reference/`` holds ``reference.parquet`` (features, label and the model's score for a
sample of the validation part of the training period: rows the model did not learn from, so
their scores look like scores on new traffic) and ``reference.json`` (which bundle it belongs
to and the MD5 of the Parquet file). It is its own DVC stage after ``train`` rather than part of
the bundle, so the bundle and its checksum stay as training sealed them; monitoring refuses a
reference built for another bundle or changed since it was written.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import pathlib

import pandas as pd

from fraudops.config import MonitoringReference
from fraudops.core.contract import Contract
from fraudops.errors import FraudopsError
from fraudops.io.bundle import verify_bundle
from fraudops.io.files import atomic_dir, file_md5
from fraudops.scoring.engine import Engine

log = logging.getLogger(__name__)

DATA_FILE = "reference.parquet"
META_FILE = "reference.json"
SCORE = "score"


@dataclasses.dataclass(frozen=True)
class Reference:
    frame: pd.DataFrame  # the contract's features, the label and ``score``
    bundle_version: str
    source: str


def build_reference(
    *,
    validation: pd.DataFrame,
    engine: Engine,
    cfg: MonitoringReference,
    out_dir: pathlib.Path,
    source: str,
) -> Reference:
    """Score a sample of ``validation`` (the training period's validation part) with the
    bundle's engine and write ``out_dir``."""
    contract = engine.contract
    sample = validation.sample(n=min(cfg.rows, len(validation)), random_state=cfg.seed)
    frame = sample[[*contract.feature_names, contract.label]].reset_index(drop=True)
    frame[SCORE] = engine.predict_proba(frame)
    with atomic_dir(out_dir) as temp:
        frame.to_parquet(temp / DATA_FILE, index=False)
        meta = {
            "model_name": contract.model_name,
            "bundle_version": contract.bundle_version,
            "bundle_checksum": contract.checksum,
            "rows": len(frame),
            "fraud_rate": float(frame[contract.label].mean()),
            "source": source,
            "md5": file_md5(temp / DATA_FILE),
        }
        (temp / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    log.info("reference: %d rows of %s written to %s", len(frame), source, out_dir)
    return Reference(frame=frame, bundle_version=contract.bundle_version, source=source)


def load_reference(directory: pathlib.Path, contract: Contract) -> Reference:
    """The reference for the bundle whose contract is given; refused if stale or modified."""
    meta_path, data_path = directory / META_FILE, directory / DATA_FILE
    if not meta_path.is_file() or not data_path.is_file():
        raise FraudopsError(
            f"no monitoring reference at {directory}: run `dvc repro reference` (or `dvc pull`)"
        )
    meta = json.loads(meta_path.read_text())
    if meta.get("bundle_checksum") != contract.checksum:
        raise FraudopsError(
            f"the monitoring reference at {directory} was built for model version "
            f"{meta.get('bundle_version')}, not for the bundle's {contract.bundle_version}: "
            "run `dvc repro reference`"
        )
    if file_md5(data_path) != meta.get("md5"):
        raise FraudopsError(f"{data_path} fails its checksum: it was modified after it was built")
    frame = pd.read_parquet(data_path)
    missing = [c for c in [*contract.feature_names, SCORE] if c not in frame.columns]
    if missing:
        raise FraudopsError(f"{data_path} lacks column(s): {', '.join(missing)}")
    return Reference(frame=frame, bundle_version=str(meta["bundle_version"]), source=meta["source"])


def load_checked(
    bundle_dir: pathlib.Path, reference_dir: pathlib.Path
) -> tuple[Contract, Reference]:
    """The bundle's contract (checksum verified) and its reference."""
    contract = verify_bundle(pathlib.Path(bundle_dir))
    return contract, load_reference(reference_dir, contract)
