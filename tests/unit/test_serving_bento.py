"""The Bento's requirements are pinned from the installed (uv.lock) environment, with every
package the service needs and nothing it does not."""

from __future__ import annotations

import importlib.metadata
import pathlib

from fraudops.serving.bento import pinned_requirements, write_requirements


def test_pinned_requirements__pin_the_service_and_its_dependencies() -> None:
    pins = dict(line.split("==") for line in pinned_requirements())
    assert pins["scikit-learn"] == importlib.metadata.version("scikit-learn")
    assert pins["numpy"] == importlib.metadata.version("numpy")
    assert "threadpoolctl" in pins  # needed by scikit-learn
    assert "starlette" in pins  # needed by bentoml
    assert "bentoml" not in pins  # BentoML adds its own pin
    for unused in ("mlflow", "deepchecks", "dvc", "pytest"):
        assert unused not in pins


def test_write_requirements__writes_a_requirements_file(tmp_path: pathlib.Path) -> None:
    path = write_requirements(tmp_path / "build/requirements.txt")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("#")
    assert all("==" in line for line in lines[1:])
