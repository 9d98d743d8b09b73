"""Time of each Deepchecks gate on the default data (data/raw: 100k rows; run `dvc repro` first).

Two views: each suite run in one process (the gate's own work: contract, Deepchecks, no
import), and each stage as DVC runs it (`python -m fraudops validate-*`: a new process that
imports Deepchecks, reads the data and writes the reports). Wall and CPU seconds; the machine's
load average is printed too, since other work on the same cores inflates wall time.

The stages run with a warm bytecode cache, as on any machine that has run Python once: with
PYTHONDONTWRITEBYTECODE set (as on some CI images) every process compiles the ~2500 modules it
imports again, about 5 CPU-seconds each; `--as-is` measures that too.

    uv run python bench/checks.py            # both views
    uv run python bench/checks.py --suites   # in-process suites only
    uv run python bench/checks.py --as-is    # stages with the environment unchanged
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import typing

import pandas as pd

from fraudops import paths
from fraudops.config import load_params

Row = tuple[str, str, float, float]


def _timed(label: str, rows: str, work: typing.Callable[[], object]) -> Row:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return label, rows, time.perf_counter() - wall, time.process_time() - cpu


def suites() -> list[Row]:
    from fraudops.checks.data_integrity import run_data_integrity
    from fraudops.checks.library import deepchecks_module
    from fraudops.checks.model_evaluation import run_model_evaluation
    from fraudops.checks.train_test import run_train_test
    from fraudops.io.bundle import load_bundle

    params = load_params(paths.PARAMS)
    raw = pd.read_parquet(paths.RAW)
    train, test = pd.read_parquet(paths.TRAIN), pd.read_parquet(paths.TEST)
    bundle = load_bundle(paths.BUNDLE)
    periods = f"{len(train)} + {len(test)}"
    return [
        _timed("import deepchecks", "", lambda: deepchecks_module("deepchecks.tabular.suites")),
        _timed(
            "data_integrity",
            str(len(raw)),
            lambda: run_data_integrity(raw, params.data.columns, params.checks),
        ),
        _timed(
            "train_test_validation",
            periods,
            lambda: run_train_test(train, test, params.data.columns, params.checks),
        ),
        _timed(
            "model_evaluation",
            periods,
            lambda: run_model_evaluation(
                bundle.pipeline, bundle.contract, train, test, params.checks
            ),
        ),
    ]


WARM_UP = """
from fraudops.checks import data_integrity, model_evaluation, report, train_test
from fraudops.checks.library import deepchecks_module
import fraudops.cli.app, fraudops.stages.validate
for name in ("deepchecks.tabular.suites", "deepchecks.tabular.checks",
             "deepchecks.core.serialization.suite_result.html"):
    deepchecks_module(name)
"""


def stages(as_is: bool) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as reports, tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ)
        if not as_is:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
            subprocess.run([sys.executable, "-c", WARM_UP], check=True, env=env)
        for command in ("validate-data", "validate-split", "validate-model"):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "fraudops", command, "--reports", reports],
                check=True,
                capture_output=True,
                env=env,
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            rows.append((command, "stage", time.perf_counter() - wall, cpu))
    return rows


def _table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"  {'what':24} {'rows':>16} {'wall s':>8} {'cpu s':>8}")
    for label, count, wall, cpu in rows:
        print(f"  {label:24} {count:>16} {wall:8.1f} {cpu:8.1f}")
    counted = [r for r in rows if r[0] != "import deepchecks"]
    wall, cpu = sum(r[2] for r in counted), sum(r[3] for r in counted)
    print(f"  {'all three':24} {'':>16} {wall:8.1f} {cpu:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", action="store_true", help="in-process suites only")
    parser.add_argument("--as-is", action="store_true", help="stages without a bytecode cache")
    args = parser.parse_args()
    os.environ.setdefault("DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY", "1")
    if not paths.BUNDLE.is_dir():
        sys.exit("no model bundle: run `dvc repro` first")
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")
    _table("suites, in one process (the gate's work; import shown apart)", suites())
    if not args.suites:
        cache = "no" if args.as_is else "a warm"
        title = f"stages, as dvc repro runs them (import, read, check, write; {cache} .pyc cache)"
        _table(title, stages(args.as_is))
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
