"""Shared test helpers: params built from the shipped file with overrides, free ports,
servers started and stopped by pid, and a check that shared folders stay as they were."""

from __future__ import annotations

import contextlib
import copy
import os
import pathlib
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import typing

import httpx
import yaml

from fraudops.config import Params, parse_params

REPO = pathlib.Path(__file__).resolve().parents[1]
SMALL = {
    "data.generator.rows": 8000,
    "train.search.n_iter": 2,
    "train.search.cv_folds": 2,
}


def params_dict(overrides: dict[str, typing.Any] | None = None) -> dict[str, typing.Any]:
    """The shipped params.yaml as a dict, with dotted-key overrides applied."""
    raw = yaml.safe_load((REPO / "params.yaml").read_text())
    raw = copy.deepcopy(raw)
    for dotted, value in (overrides or {}).items():
        node = raw
        *parents, last = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return raw


def make_params(overrides: dict[str, typing.Any] | None = None, *, small: bool = True) -> Params:
    return parse_params(params_dict({**(SMALL if small else {}), **(overrides or {})}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before {url} answered")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def stop_process(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Stop a server we started, by its pid (and its process group's children)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


def start_server(
    command: list[str],
    health_url: str,
    *,
    log: pathlib.Path,
    env: dict[str, str] | None = None,
    timeout: float = 90,
    cwd: pathlib.Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own process group, wait until ``health_url`` answers."""
    handle = log.open("wb")
    process = subprocess.Popen(
        command,
        stdout=handle,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        start_new_session=True,
    )
    try:
        wait_for_http(health_url, timeout, process)
    except Exception:
        stop_process(process)
        raise RuntimeError(f"server did not start; log:\n{log.read_text()[-3000:]}") from None
    return process


def run_cli(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    """``python -m fraudops ARGS`` in ``cwd``; the result, whatever the exit status."""
    return subprocess.run(
        [sys.executable, "-m", "fraudops", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def files_state(folder: pathlib.Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under ``folder``, by relative path."""
    state = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            state[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return state


@contextlib.contextmanager
def read_only(folder: pathlib.Path, what: str) -> typing.Iterator[pathlib.Path]:
    """Yield ``folder``; afterwards, fail if a file in it was added, removed or changed.

    Session fixtures hand out folders every test shares: a test that needs to change one
    copies it into its own ``tmp_path`` first."""
    before = files_state(folder)
    yield folder
    after = files_state(folder)
    changed = sorted(name for name in before | after if before.get(name) != after.get(name))
    assert not changed, f"a test changed {what}, which every test shares: {changed[:20]}"


def copy_mlflow_store(source: pathlib.Path, target: pathlib.Path) -> str:
    """Copy the MLflow store in ``source`` (``mlflow.db`` and the ``mlruns`` artifacts beside
    it) to ``target``, and point every path the database holds at the copy; return its URI.

    The database names its artifact folders by absolute path: through a copy of the database
    alone, registering a model or logging a run would write into the original's folders."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "mlflow.db", target / "mlflow.db")
    shutil.copytree(source / "mlruns", target / "mlruns")
    old, new = f"{source}/", f"{target}/"
    with contextlib.closing(sqlite3.connect(target / "mlflow.db")) as db, db:
        tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        for (table,) in tables:
            for column in [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]:
                db.execute(
                    f'UPDATE "{table}" SET "{column}" = replace("{column}", ?, ?) '
                    f'WHERE typeof("{column}") = \'text\' AND instr("{column}", ?) > 0',
                    (old, new, old),
                )
    return f"sqlite:///{target / 'mlflow.db'}"
