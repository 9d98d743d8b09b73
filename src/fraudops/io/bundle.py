"""The model bundle on disk: the fitted pipeline and its contract, sealed by a checksum."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pathlib

import joblib
from sklearn.pipeline import Pipeline

from fraudops.core.contract import Contract
from fraudops.errors import FraudopsError
from fraudops.io.files import atomic_dir

PIPELINE_FILE = "pipeline.joblib"
CONTRACT_FILE = "contract.json"


@dataclasses.dataclass(frozen=True)
class Bundle:
    pipeline: Pipeline
    contract: Contract
    path: pathlib.Path


def checksum(pipeline_bytes: bytes, contract: Contract) -> str:
    """SHA-256 over the pipeline file and the contract without its own checksum."""
    body = contract.model_dump(mode="json", exclude={"checksum"})
    digest = hashlib.sha256(pipeline_bytes)
    digest.update(json.dumps(body, sort_keys=True).encode())
    return digest.hexdigest()


def save_bundle(directory: pathlib.Path, pipeline: Pipeline, contract: Contract) -> Contract:
    """Write the bundle atomically and return the contract with its checksum filled in."""
    with atomic_dir(directory) as temp:
        joblib.dump(pipeline, temp / PIPELINE_FILE, compress=3)
        sealed = contract.model_copy(
            update={"checksum": checksum((temp / PIPELINE_FILE).read_bytes(), contract)}
        )
        (temp / CONTRACT_FILE).write_text(sealed.model_dump_json(indent=2) + "\n")
    return sealed


def load_contract(directory: pathlib.Path) -> Contract:
    path = directory / CONTRACT_FILE
    if not path.is_file():
        raise FraudopsError(
            f"no model bundle at {directory} (missing {CONTRACT_FILE}); "
            "run `dvc repro` or `dvc pull` first"
        )
    return Contract.model_validate_json(path.read_text())


def verify_bundle(directory: pathlib.Path) -> Contract:
    """The contract, after checking that neither file changed since the bundle was sealed."""
    contract = load_contract(directory)
    pipeline_bytes = (directory / PIPELINE_FILE).read_bytes()
    if checksum(pipeline_bytes, contract) != contract.checksum:
        raise FraudopsError(
            f"model bundle {directory} fails its checksum: it was modified after training"
        )
    return contract


def load_bundle(directory: pathlib.Path | str, *, verify: bool = True) -> Bundle:
    directory = pathlib.Path(directory)
    contract = verify_bundle(directory) if verify else load_contract(directory)
    # The checksum above proves the file is the one training wrote before it is unpickled.
    pipeline = joblib.load(directory / PIPELINE_FILE)
    return Bundle(pipeline=pipeline, contract=contract, path=directory)
