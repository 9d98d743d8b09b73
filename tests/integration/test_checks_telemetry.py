"""Deepchecks never phones home: in a child process with the variable unset, its telemetry
variable is set before its first import, by the library door (fraudops.checks.library) and by
the CLI, and no connection is attempted."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pandas as pd
import pytest

from tests.helpers import REPO

pytestmark = pytest.mark.slow

# Runs first in the child: records every connection attempt (and refuses it) and the value of
# the telemetry variable at the moment deepchecks is first imported.
GUARD = """
import atexit, json, os, socket, sys
RECORD = {"attempts": [], "at_import": None}
def _refuse(*args, **kwargs):
    RECORD["attempts"].append(repr(args))
    raise OSError("network disabled by the test")
socket.socket.connect = _refuse
socket.getaddrinfo = _refuse
class _Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "deepchecks" and RECORD["at_import"] is None:
            RECORD["at_import"] = os.environ.get("DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY", "")
        return None
sys.meta_path.insert(0, _Watch())
def _save():
    telemetry = sys.modules.get("deepchecks.analytics.anonymous_telemetry")
    RECORD["disabled"] = bool(telemetry and telemetry.ANALYTICS_DISABLED)
    with open(os.environ["RECORD_PATH"], "w") as handle:
        json.dump(RECORD, handle)
atexit.register(_save)
"""


def _run_guarded(
    code: str, tmp_path: pathlib.Path
) -> tuple[subprocess.CompletedProcess[str], dict]:
    record = tmp_path / "record.json"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY", "DISABLE_LATEST_VERSION_CHECK")
    }
    env["RECORD_PATH"] = str(record)
    result = subprocess.run(
        [sys.executable, "-c", GUARD + code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return result, json.loads(record.read_text())


def test_deepchecks_module__telemetry_off_before_first_import(tmp_path: pathlib.Path) -> None:
    result, record = _run_guarded(
        "from fraudops.checks.library import deepchecks_module\n"
        "deepchecks_module('deepchecks.tabular.suites')\n",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert record == {"attempts": [], "at_import": "1", "disabled": True}


def test_cli__a_gate_runs_with_telemetry_off(
    tmp_path: pathlib.Path, small_frame: pd.DataFrame
) -> None:
    raw = tmp_path / "raw.parquet"
    small_frame.head(3000).to_parquet(raw, index=False)
    result, record = _run_guarded(
        "import runpy\n"
        f"sys.argv = ['fraudops', 'validate-data', '--params', {str(REPO / 'params.yaml')!r}, "
        f"'--raw', {str(raw)!r}, '--reports', {str(tmp_path / 'reports')!r}]\n"
        "runpy.run_module('fraudops', run_name='__main__')\n",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert record == {"attempts": [], "at_import": "1", "disabled": True}
    assert (tmp_path / "reports/data_integrity.json").is_file()
