"""Rendering: the committed YAML in deploy/argo is exactly what the Hera definitions produce,
Hera's own models load every workflow back unchanged, and the image override works."""

from __future__ import annotations

import pathlib

import pytest
import yaml
from hera.workflows import CronWorkflow, WorkflowTemplate

from pipelines import render
from pipelines.__main__ import main
from pipelines.cluster import DEFAULT_IMAGE, IMAGE_ENV, Rendering
from tests.helpers import REPO

ARGO_DIR = REPO / render.OUT_DIR
HERA_KINDS = {"WorkflowTemplate": WorkflowTemplate, "CronWorkflow": CronWorkflow}


def test_workflows_render__committed_yaml_matches_the_definitions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(IMAGE_ENV, raising=False)
    problems = render.differences(ARGO_DIR, Rendering.from_env())
    assert problems == [], "deploy/argo is out of date; run `make workflows`:\n" + "\n".join(
        problems
    )


def test_workflows_render__hera_loads_every_workflow_back_unchanged() -> None:
    loaded = 0
    for path in sorted(ARGO_DIR.glob("*workflow*.yaml")):
        text = path.read_text()
        document = yaml.safe_load(text)
        model = HERA_KINDS[document["kind"]].from_yaml(text)
        assert model.to_dict() == document, path.name
        loaded += 1
    assert loaded == 6  # a template and a schedule for training, scoring and monitoring


def test_workflows_render__every_file_has_the_header_and_is_listed() -> None:
    files = sorted(path.name for path in ARGO_DIR.glob("*.yaml"))
    for name in files:
        assert (ARGO_DIR / name).read_text().startswith(render.MARKER), name
    kustomization = yaml.safe_load((ARGO_DIR / "kustomization.yaml").read_text())
    assert sorted([*kustomization["resources"], "kustomization.yaml"]) == files


def test_workflows_render__check_names_changed_and_stale_files(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(IMAGE_ENV, raising=False)
    assert main(["--out", str(tmp_path)]) == 0
    assert main(["--out", str(tmp_path), "--check"]) == 0
    target = tmp_path / "score.cronworkflow.yaml"
    target.write_text(target.read_text().replace("0 2 * * *", "0 4 * * *"))
    (tmp_path / "old.workflowtemplate.yaml").write_text(render.MARKER + " from nowhere\n")
    (tmp_path / "hand-written.yaml").write_text("kind: ConfigMap\n")
    assert main(["--out", str(tmp_path), "--check"]) == 1
    error = capsys.readouterr().err
    assert "score.cronworkflow.yaml: differs from its definition in pipelines/scoring.py" in error
    assert "old.workflowtemplate.yaml: generated file no definition produces" in error
    assert "hand-written" not in error
    assert main(["--out", str(tmp_path)]) == 0
    assert not (tmp_path / "old.workflowtemplate.yaml").exists()
    assert (tmp_path / "hand-written.yaml").exists()
    assert main(["--out", str(tmp_path), "--check"]) == 0


def _images(text: str) -> list[str]:
    images = []
    for document in yaml.safe_load_all(text):
        spec = document.get("spec", {})
        for template in spec.get("templates", []):
            body = template.get("container") or template.get("script")
            if body:
                images.append(body["image"])
    return images


def test_workflows_render__image_is_set_once_and_overridable() -> None:
    custom = "registry.example.com/team/fraud:1.2.3"
    assert Rendering.from_env({IMAGE_ENV: custom}).image == custom
    assert Rendering.from_env({}).image == DEFAULT_IMAGE
    default = {item.filename: item.text for item in render.rendered(Rendering())}
    override = {item.filename: item.text for item in render.rendered(Rendering(image=custom))}
    for name, text in override.items():
        assert text.replace(custom, DEFAULT_IMAGE) == default[name], name
        assert set(_images(text)) <= {custom}, name
    assert sum(len(_images(text)) for text in override.values()) > 10
