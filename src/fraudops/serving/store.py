"""Moving a model bundle into the BentoML model store, and finding it there.

The stored model is the bundle folder itself (pipeline and contract, checksum verified before
and after the copy), tagged ``<model_name>:<bundle_version>``, with the contract's lineage as
metadata and labels. A registered MLflow model version is first rebuilt into a bundle from the
run's model and contract. Importing the same model twice is a no-op.
"""

from __future__ import annotations

import dataclasses
import logging
import pathlib
import shutil
import tempfile
import typing

from fraudops.core.contract import Contract
from fraudops.environment import load_environment
from fraudops.errors import FraudopsError
from fraudops.io import mlflow_store
from fraudops.io.bundle import (
    CONTRACT_FILE,
    PIPELINE_FILE,
    load_contract,
    save_bundle,
    verify_bundle,
)

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ImportedModel:
    tag: str
    contract: Contract
    created: bool  # False when the store already held this model


def metadata(contract: Contract, source: str) -> dict[str, typing.Any]:
    return {
        "model_name": contract.model_name,
        "bundle_version": contract.bundle_version,
        "classifier": contract.classifier,
        "threshold": contract.threshold,
        "metrics": dict(contract.metrics),
        "checksum": contract.checksum,
        "data_hash": contract.data_hash,
        "params_hash": contract.params_hash,
        "git_commit": contract.git_commit,
        "mlflow_run_id": contract.mlflow_run_id or "",
        "created_at": contract.created_at,
        "source": source,
        # the whole contract too (its file is in the model folder; this is for `bentoml models get`)
        "contract": contract.model_dump(mode="json", exclude_none=True),
    }


def import_bundle(bundle_dir: pathlib.Path, *, source: str | None = None) -> ImportedModel:
    """Copy the bundle in ``bundle_dir`` into the BentoML store, after checking its checksum."""
    import bentoml

    contract = verify_bundle(pathlib.Path(bundle_dir))
    tag = _tag(contract)
    existing = _stored(tag)
    if existing is not None:
        stored = load_contract(pathlib.Path(existing.path))
        if _same_model(stored, contract):
            log.info("model %s is already in the BentoML store", tag)
            return ImportedModel(tag=str(existing.tag), contract=stored, created=False)
        raise FraudopsError(
            f"the BentoML store already holds {tag} with a different contract; "
            f"delete it first (bentoml models delete {tag})"
        )
    with bentoml.models.create(
        tag,
        labels={
            "model_name": contract.model_name,
            "classifier": contract.classifier,
            "git_commit": contract.git_commit,
            "data_hash": contract.data_hash,
        },
        metadata=metadata(contract, source or str(bundle_dir)),
    ) as model:
        folder = pathlib.Path(model.path)
        for name in (PIPELINE_FILE, CONTRACT_FILE):
            shutil.copyfile(pathlib.Path(bundle_dir) / name, folder / name)
        verify_bundle(folder)
    log.info("imported %s into the BentoML store from %s", model.tag, source or bundle_dir)
    return ImportedModel(tag=str(model.tag), contract=contract, created=True)


def import_mlflow_model(model_uri: str) -> ImportedModel:
    """Import an MLflow model (``models:/<name>/<version>``, ``models:/<name>@<alias>`` or
    ``runs:/<run id>/model``) logged by training, rebuilt into a sealed bundle first."""
    import mlflow
    import mlflow.sklearn

    try:
        with mlflow_store.use_tracking(), tempfile.TemporaryDirectory() as folder:
            info = mlflow.models.get_model_info(model_uri)
            run_id = info.run_id
            contract_path = mlflow.artifacts.download_artifacts(
                run_id=run_id, artifact_path=CONTRACT_FILE, dst_path=folder
            )
            contract = Contract.model_validate_json(pathlib.Path(contract_path).read_text())
            pipeline = mlflow.sklearn.load_model(model_uri)
    except mlflow.exceptions.MlflowException as error:
        raise FraudopsError(f"cannot read MLflow model {model_uri}: {error.message}") from None
    if contract.mlflow_run_id != run_id:
        raise FraudopsError(
            f"MLflow model {model_uri} comes from run {run_id} but its contract names run "
            f"{contract.mlflow_run_id}: not the model this contract describes"
        )
    with tempfile.TemporaryDirectory() as folder:
        bundle_dir = pathlib.Path(folder) / "bundle"
        save_bundle(bundle_dir, pipeline, contract.model_copy(update={"checksum": ""}))
        return import_bundle(bundle_dir, source=model_uri)


def stored_contract(tag: str) -> tuple[str, Contract]:
    """The exact tag and the contract of the stored model ``tag`` (``name:latest`` resolves)."""
    model = _stored(tag)
    if model is None:
        raise FraudopsError(
            f"model {tag} is not in the BentoML store ({_store_home()}); "
            "import it first: fraudops import-model (or make bento)"
        )
    return str(model.tag), load_contract(pathlib.Path(model.path))


def _tag(contract: Contract) -> str:
    import bentoml

    try:
        return str(bentoml.Tag(contract.model_name, contract.bundle_version))
    except ValueError as error:
        raise FraudopsError(f"model name or version is not a valid BentoML tag: {error}") from None


def _stored(tag: str) -> typing.Any:
    import bentoml
    from bentoml.exceptions import NotFound

    try:
        return bentoml.models.get(tag)
    except NotFound:
        return None
    except ValueError as error:
        raise FraudopsError(f"{tag!r} is not a valid BentoML model tag: {error}") from None


def _same_model(left: Contract, right: Contract) -> bool:
    """Equal but for the checksum: the same model sealed twice (say, from MLflow)."""
    return left.model_dump(exclude={"checksum"}) == right.model_dump(exclude={"checksum"})


def _store_home() -> str:
    return load_environment().bentoml_home
