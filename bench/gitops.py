"""Cost of a promotion and of checking deploy/: the pure edit, the file edit (first run and
idempotent rerun), the CLI end to end, `kubectl kustomize` per overlay and the whole offline
check (`make validate-manifests`, run with this Python's environment). Usage:
``make bench-gitops`` or ``python bench/gitops.py [--repeat N]``.

The sample release is the one in the golden promotion record of the unit tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import typing

from fraudops.gitops.overlay import KUSTOMIZATION
from fraudops.gitops.promote import plan_promotion, promote
from fraudops.gitops.record import parse_record

REPO = pathlib.Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests/unit/golden/gitops/promotion.json"
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def median_ms(action: typing.Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(command: list[str], cwd: pathlib.Path = REPO, env: dict[str, str] | None = None) -> None:
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    release = parse_record(SAMPLE.read_text(), str(SAMPLE)).release
    kubectl = str(pathlib.Path(sys.executable).parent / "kubectl")
    rows: list[tuple[str, float, int]] = []
    with tempfile.TemporaryDirectory() as folder:
        deploy = pathlib.Path(folder) / "deploy"
        shutil.copytree(REPO / "deploy", deploy, ignore=shutil.ignore_patterns("argo"))
        text = (deploy / "overlays/staging" / KUSTOMIZATION).read_text()

        def pure() -> object:
            return plan_promotion(
                environment="staging",
                kustomization=text,
                current=None,
                release=release,
                champion=None,
                tolerances={},
                now=NOW,
            )

        rows.append(
            (
                "plan_promotion (pure, in memory)",
                median_ms(pure, args.repeat * 10),
                args.repeat * 10,
            )
        )

        def to_files() -> object:
            return promote(
                deploy=deploy, environment="staging", release=release, tolerances={}, now=NOW
            )

        rows.append(("promote: first run (writes 3 files)", median_ms(to_files, 1), 1))
        rows.append(
            (
                "promote: rerun (idempotent, no writes)",
                median_ms(to_files, args.repeat),
                args.repeat,
            )
        )
        cli = [
            sys.executable,
            "-m",
            "fraudops",
            "promote",
            "--env",
            "production",
            "--from",
            "staging",
            "--deploy",
            str(deploy),
            "--params",
            str(REPO / "params.yaml"),
        ]
        rows.append(
            ("fraudops promote --from staging (CLI, first)", median_ms(lambda: run(cli), 1), 1)
        )
        rows.append(
            ("fraudops promote --from staging (CLI, rerun)", median_ms(lambda: run(cli), 3), 3)
        )
        for env in ("staging", "production"):
            render = [kubectl, "kustomize", str(deploy / "overlays" / env)]
            rows.append(
                (f"kubectl kustomize overlays/{env}", median_ms(lambda c=render: run(c), 5), 5)
            )
    # The make target as CI runs it, minus `uv sync`: UV=true skips the install, RUN=env runs
    # pytest from this environment, which goes first on PATH.
    bin_dir = str(pathlib.Path(sys.executable).parent)
    with_venv = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    checks = ["make", "-s", "validate-manifests", "UV=true", "RUN=env"]
    rows.append(
        (
            "make validate-manifests (all offline checks)",
            median_ms(lambda: run(checks, env=with_venv), 1),
            1,
        )
    )
    width = max(len(name) for name, _, _ in rows)
    print(f"{'step':<{width}}  {'median ms':>10}  {'runs':>4}")
    for name, ms, runs in rows:
        print(f"{name:<{width}}  {ms:>10.1f}  {runs:>4}")


if __name__ == "__main__":
    main()
