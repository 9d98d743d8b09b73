"""Where the time goes when training runs one pod per step, as on Argo: the rendered
``fraudops-train`` template run locally step by step (tests/argo_local.py), the cost of
starting the CLI in a fresh process (every pod pays it), and what the tuning fan-out saves
when its pods run in parallel, against tuning in one process as ``dvc repro`` does.

    uv run python bench/argo.py [--rows 20000] [--candidates 4] [--folds 3]
"""

from __future__ import annotations

import argparse
import pathlib
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines import cluster, training  # noqa: E402
from tests.argo_local import LocalExecutor, checkout, load_documents  # noqa: E402
from tests.helpers import params_dict  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(argv: list[str], cwd: pathlib.Path) -> tuple[float, float]:
    """Wall and CPU seconds of one command."""
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        repo = pathlib.Path(scratch) / "repo"
        checkout(REPO, repo)
        overrides = {
            "data.generator.rows": args.rows,
            "train.search.n_iter": args.candidates,
            "train.search.cv_folds": args.folds,
        }
        (repo / "params.yaml").write_text(yaml.safe_dump(params_dict(overrides), sort_keys=False))
        env = {"MLFLOW_TRACKING_URI": f"sqlite:///{scratch}/mlflow.db"}
        startups = sorted(
            _timed([sys.executable, "-m", "fraudops", "--help"], repo) for _ in range(3)
        )
        startup = startups[1]
        executor = LocalExecutor(
            mounts={cluster.REPO_DIR: repo},
            library={},
            env=env,
        )
        template = load_documents(REPO / "deploy" / "argo")[("WorkflowTemplate", training.NAME)]
        run = executor.run(template)
        if run.phase != "Succeeded":
            raise SystemExit(run.report())

        print(
            f"training workflow, local run: {args.rows} rows, {args.candidates} candidates, "
            f"{args.folds} folds"
        )
        print(f"{'step':<22} {'outcome':<16} {'wall s':>8} {'cpu s':>8}")
        for node in run.nodes():
            print(
                f"{node.label:<22} {node.outcome:<16} {node.seconds:>8.1f} {node.cpu_seconds:>8.1f}"
            )
        tune = [(node.seconds, node.cpu_seconds) for node in run.tasks["tune"].nodes]
        train_node = run.tasks["train"].nodes[0]
        train = (train_node.seconds, train_node.cpu_seconds)
        ran = [(node.seconds, node.cpu_seconds) for node in run.nodes("ran")]

        shutil.rmtree(repo / "models" / "bundle")
        # tunes every candidate in one process, then fits: the dvc repro way
        in_process = _timed([sys.executable, "-m", "fraudops", "train"], repo)

        def total(pairs: list[tuple[float, float]]) -> tuple[float, float]:
            return sum(p[0] for p in pairs), sum(p[1] for p in pairs)

        slowest = max(tune, key=lambda pair: pair[1])
        print()
        print(f"{'figure':<58} {'wall s':>8} {'cpu s':>8}")
        rows = [
            ("CLI start-up in a fresh process (median of 3)", startup),
            (f"all {len(ran)} steps run, one process each (sum)", total(ran)),
            ("tuning pods one after another (sum)", total(tune)),
            ("tuning pods in parallel (slowest candidate)", slowest),
            ("select + fit (train --results-dir)", train),
            ("fan-out in parallel: slowest candidate + select and fit", total([slowest, train])),
            ("one process: tune all candidates + fit (dvc repro)", in_process),
        ]
        for label, (wall, cpu) in rows:
            print(f"{label:<58} {wall:>8.1f} {cpu:>8.1f}")


if __name__ == "__main__":
    main()
