"""Fixtures shared by every tier: telemetry off, each test in its own empty folder, the
markers (the tier from the folder, slow for the trained model), and small data trained once
(the session's folders are read-only for the tests)."""

from __future__ import annotations

import os
import pathlib
import typing

import pandas as pd
import pytest

from fraudops.config import Params
from fraudops.core.generator import generate_transactions
from tests.helpers import make_params, read_only

TESTS = pathlib.Path(__file__).resolve().parent
TIERS = ("integration", "e2e")  # a folder under tests/ and the marker of its tests
TRAINED = {"trained_workspace", "onnx_models", "stored_model"}  # a model trained for the session
# What fraudops.environment.quiet_third_parties sets (with setdefault) for every command and
# at the Deepchecks door: set for the session, so that the first test through that door
# leaves the environment of the next one as it was.
QUIET = {
    "DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY": "1",
    "DVC_NO_ANALYTICS": "1",
    "DO_NOT_TRACK": "1",
    "BENTOML_DO_NOT_TRACK": "True",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
    "GIT_PYTHON_REFRESH": "quiet",
}
# Not the tests' doing: pytest rewrites the first around every phase of a test, and
# scikit-learn and joblib set the others (always to the same values) when first imported.
NOT_CHECKED = {"PYTEST_CURRENT_TEST", "KMP_DUPLICATE_LIB_OK", "KMP_INIT_AT_FORK"}


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test under tests/integration or tests/e2e carries that tier's marker, and a test that
    needs the session's trained model is slow."""
    for item in items:
        folder = pathlib.Path(item.path).resolve().relative_to(TESTS).parts[0]
        if folder in TIERS:
            item.add_marker(folder)
        if TRAINED & set(getattr(item, "fixturenames", ())):
            item.add_marker("slow")


@pytest.fixture(scope="session", autouse=True)
def _quiet_session(tmp_path_factory: pytest.TempPathFactory) -> typing.Iterator[None]:
    """Telemetry off, as a command turns it off, for the whole session (the servers that
    module fixtures start included), which runs in a folder of its own, not where pytest
    started."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("cwd"))
        for name, value in QUIET.items():
            patch.setenv(name, value)
        yield


@pytest.fixture(autouse=True)
def _isolated(tmp_path: pathlib.Path) -> typing.Iterator[None]:
    """Each test starts in its own empty folder and leaves os.environ as it found it
    (monkeypatch, and fraudops.io.mlflow_store.use_tracking rather than
    mlflow.set_tracking_uri, put back what they set)."""
    before = dict(os.environ)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        yield
    after = dict(os.environ)
    changed = sorted(
        name
        for name in (before.keys() | after.keys()) - NOT_CHECKED
        if before.get(name) != after.get(name)
    )
    assert not changed, f"the test left environment variables changed: {changed}"


@pytest.fixture(scope="session")
def small_params() -> Params:
    return make_params()


@pytest.fixture(scope="session")
def small_frame(small_params: Params) -> typing.Iterator[pd.DataFrame]:
    """The generator's small data set, read-only for the tests (checked at the end)."""
    frame = generate_transactions(small_params.data.generator)
    digest = int(pd.util.hash_pandas_object(frame).sum())
    yield frame
    changed = int(pd.util.hash_pandas_object(frame).sum()) != digest
    assert not changed, "a test changed small_frame in place, which every test shares: copy it"


@pytest.fixture(scope="session")
def trained_workspace(
    tmp_path_factory: pytest.TempPathFactory, small_params: Params
) -> typing.Iterator[pathlib.Path]:
    """ingest, split, train and evaluate once on small data; tests read the outputs."""
    from fraudops.stages.evaluate import evaluate
    from fraudops.stages.ingest import ingest
    from fraudops.stages.split import split
    from fraudops.stages.train import train

    root = tmp_path_factory.mktemp("workspace")
    with pytest.MonkeyPatch.context() as patch:
        # MLflow puts a sqlite store's artifacts in ./mlruns: here, not in the repository.
        patch.chdir(root)
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
        p = small_params
        ingest(data=p.data, out=root / "data/raw/transactions.parquet")
        split(
            cfg=p.split,
            columns=p.data.columns,
            raw=root / "data/raw/transactions.parquet",
            train_out=root / "data/processed/train.parquet",
            test_out=root / "data/processed/test.parquet",
        )
        train(
            params=p,
            train_path=root / "data/processed/train.parquet",
            bundle_dir=root / "models/bundle",
            tuning_out=root / "models/tuning.json",
        )
        evaluate(
            params=p,
            bundle_dir=root / "models/bundle",
            train_path=root / "data/processed/train.parquet",
            test_path=root / "data/processed/test.parquet",
            metrics_out=root / "metrics.json",
            plots_dir=root / "plots",
        )
    with read_only(root, "the trained workspace"):
        yield root


@pytest.fixture(scope="session")
def onnx_models(
    trained_workspace: pathlib.Path, tmp_path_factory: pytest.TempPathFactory
) -> typing.Iterator[pathlib.Path]:
    """A ``models/`` folder: a copy of the trained bundle with its ONNX export beside it."""
    import shutil

    from fraudops.config import ExportOnnx
    from fraudops.stages.export_onnx import export_onnx

    models = tmp_path_factory.mktemp("models")
    shutil.copytree(trained_workspace / "models/bundle", models / "bundle")
    export_onnx(
        cfg=ExportOnnx(),
        bundle_dir=models / "bundle",
        test_path=trained_workspace / "data/processed/test.parquet",
        out=models / "model.onnx",
        parity_out=models / "onnx_parity.json",
    )
    with read_only(models, "the exported ONNX models"):
        yield models


@pytest.fixture(scope="session")
def bentoml_home(tmp_path_factory: pytest.TempPathFactory) -> typing.Iterator[pathlib.Path]:
    """The BentoML home of this test process, in BENTOML_HOME until the session ends: BentoML
    reads it on the first use of its store and keeps it for the life of the process."""
    home = tmp_path_factory.mktemp("bentoml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BENTOML_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def stored_model(
    trained_workspace: pathlib.Path, bentoml_home: pathlib.Path
) -> typing.Iterator[str]:
    """The trained bundle imported into the session's BentoML store: its tag."""
    from fraudops.serving.store import import_bundle

    tag = import_bundle(trained_workspace / "models/bundle").tag
    with read_only(bentoml_home / "models", "the session's BentoML model store"):
        yield tag
