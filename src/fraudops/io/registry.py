"""The MLflow model registry: a bundle's training run becomes a model version, tagged with its
lineage and results; aliases (``staging``, ``production``) say which version runs where.

Aliases, not the registry stages MLflow deprecated. Registering the same run again returns the
version it already has, so a rerun CI job does not mint a duplicate version.
"""

from __future__ import annotations

import dataclasses
import json
import typing

from fraudops.errors import FraudopsError
from fraudops.io import mlflow_store
from fraudops.io.check_reports import CheckRow, summarize

if typing.TYPE_CHECKING:
    from mlflow import MlflowClient

    from fraudops.core.contract import Contract


@dataclasses.dataclass(frozen=True)
class RegisteredVersion:
    name: str
    version: str
    run_id: str
    created: bool  # False: the run was registered before and that version is reused
    tags: dict[str, str]


def version_tags(
    contract: Contract, metrics: dict[str, float], checks: list[CheckRow] | None
) -> dict[str, str]:
    return {
        "git_commit": contract.git_commit,
        "data_hash": contract.data_hash,
        "params_hash": contract.params_hash,
        "bundle_version": contract.bundle_version,
        "bundle_checksum": contract.checksum,
        "classifier": contract.classifier,
        "threshold": f"{contract.threshold:.6g}",
        "metrics": json.dumps({k: round(v, 6) for k, v in sorted(metrics.items())}),
        "deepchecks": summarize(checks),
    }


def _client(tracking_uri: str) -> MlflowClient:
    return mlflow_store.client(tracking_uri)


def _logged_model_id(client: MlflowClient, run_id: str) -> str | None:
    """The model the training run logged (MLflow 3 keeps it as a logged model of the run)."""
    run = client.get_run(run_id)
    outputs = run.outputs.model_outputs if run.outputs else []
    return outputs[-1].model_id if outputs else None


def _create_version(client: MlflowClient, name: str, run_id: str, tags: dict[str, str]) -> str:
    from mlflow.exceptions import MlflowException

    try:
        client.create_registered_model(name)
    except MlflowException as error:
        if error.error_code not in {"RESOURCE_ALREADY_EXISTS", "ALREADY_EXISTS"}:
            raise
    model_id = _logged_model_id(client, run_id)
    source = f"models:/{model_id}" if model_id else f"runs:/{run_id}/model"
    version = client.create_model_version(
        name, source=source, run_id=run_id, tags=tags, model_id=model_id
    )
    return str(version.version)


def register_bundle(
    *,
    contract: Contract,
    metrics: dict[str, float],
    checks: list[CheckRow] | None,
    tracking_uri: str,
    alias: str | None = None,
) -> RegisteredVersion:
    """Register the bundle's MLflow run model as a version of ``contract.model_name``."""
    from mlflow.exceptions import MlflowException

    run_id = contract.mlflow_run_id
    if not run_id:
        raise FraudopsError(
            "the bundle records no MLflow run: train with MLFLOW_TRACKING_URI set to the "
            "tracking server that holds the registry"
        )
    client = _client(tracking_uri)
    name = contract.model_name
    try:
        client.get_run(run_id)
    except MlflowException:
        raise FraudopsError(
            f"MLflow run {run_id} (from the bundle) is not on {tracking_uri}: register "
            "against the tracking server the model was trained with"
        ) from None
    tags = version_tags(contract, metrics, checks)
    try:
        existing = client.search_model_versions(f"name = '{name}' and run_id = '{run_id}'")
        if existing:
            version = str(max(int(v.version) for v in existing))
            for key, value in tags.items():
                client.set_model_version_tag(name, version, key, value)
        else:
            version = _create_version(client, name, run_id, tags)
        client.update_model_version(
            name,
            version,
            description=f"bundle {contract.bundle_version} trained from commit "
            f"{contract.git_commit}",
        )
        if alias:
            client.set_registered_model_alias(name, alias, version)
    except MlflowException as error:
        raise FraudopsError(f"MLflow registry ({tracking_uri}): {error.message}") from None
    return RegisteredVersion(name, version, run_id, created=not existing, tags=tags)


def set_alias(*, name: str, version: str, alias: str, tracking_uri: str) -> None:
    """Point ``alias`` at ``version`` (moving it from whichever version had it)."""
    from mlflow.exceptions import MlflowException

    client = _client(tracking_uri)
    try:
        client.get_model_version(name, version)
        client.set_registered_model_alias(name, alias, version)
    except MlflowException as error:
        raise FraudopsError(f"MLflow registry ({tracking_uri}): {error.message}") from None


def aliases(*, name: str, tracking_uri: str) -> dict[str, str]:
    """alias -> version for a registered model."""
    from mlflow.exceptions import MlflowException

    try:
        model = _client(tracking_uri).get_registered_model(name)
    except MlflowException as error:
        raise FraudopsError(f"MLflow registry ({tracking_uri}): {error.message}") from None
    return {alias: str(version) for alias, version in model.aliases.items()}
