"""The CLI as a user runs it: user errors become one clear line and a non-zero exit."""

from __future__ import annotations

import pathlib

from tests.helpers import REPO, run_cli


def test_cli__check_params_ok(tmp_path: pathlib.Path) -> None:
    result = run_cli("check-params", "--params", str(REPO / "params.yaml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_cli__bad_params_exits_non_zero_naming_key(tmp_path: pathlib.Path) -> None:
    text = (REPO / "params.yaml").read_text().replace("  n_iter:", "  n_iterations:")
    (tmp_path / "params.yaml").write_text(text)
    result = run_cli("ingest", cwd=tmp_path)
    assert result.returncode == 1
    assert "train.search.n_iterations: unknown key" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_cli__missing_data_file(tmp_path: pathlib.Path) -> None:
    text = (REPO / "params.yaml").read_text().replace("source: generator", "source: missing.csv")
    (tmp_path / "params.yaml").write_text(text)
    result = run_cli("ingest", cwd=tmp_path)
    assert result.returncode == 1
    assert "data file not found: missing.csv" in result.stderr
    assert not (tmp_path / "data/raw").exists() or not any((tmp_path / "data/raw").iterdir())


def test_cli__schema_is_printed(tmp_path: pathlib.Path) -> None:
    result = run_cli("check-params", "--schema", cwd=tmp_path)
    assert result.returncode == 0
    assert '"Params"' in result.stdout or '"title": "Params"' in result.stdout
