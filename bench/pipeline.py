"""Wall time and peak memory per stage of ``dvc repro`` from scratch, and of a no-op rerun.

Runs in a fresh copy of the repository (tracked and new files, as a user gets it) with the
shipped params unless ``--rows`` reduces the data. Usage: ``make bench-pipeline`` or
``python bench/pipeline.py [--rows N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

REPO = pathlib.Path(__file__).resolve().parents[1]


def copy_repository(target: pathlib.Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    (target / "dvc.lock").unlink(missing_ok=True)
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)
    subprocess.run(["git", "commit", "-qm", "bench"], cwd=target, check=True)


def timed(command: list[str], cwd: pathlib.Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=None, help="override data.generator.rows")
    parser.add_argument("--keep", type=pathlib.Path, default=None, help="work in this folder")
    args = parser.parse_args()
    root = args.keep or pathlib.Path(tempfile.mkdtemp(prefix="fraudops-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    copy_repository(root)
    if args.rows:
        params = yaml.safe_load((root / "params.yaml").read_text())
        params["data"]["generator"]["rows"] = args.rows
        (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    profile = root / "profile.jsonl"
    bin_dir = pathlib.Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(root / "src"),
        "FRAUDOPS_PROFILE_FILE": str(profile),
        "MLFLOW_TRACKING_URI": f"sqlite:///{root}/mlflow.db",
        "DVC_NO_ANALYTICS": "1",
    }
    dvc = str(bin_dir / "dvc")
    scratch = timed([dvc, "repro"], root, env)
    noop = timed([dvc, "repro"], root, env)
    rows = [json.loads(line) for line in profile.read_text().splitlines()]
    print(
        f"dvc repro on {os.cpu_count()} cores, "
        f"{yaml.safe_load((root / 'params.yaml').read_text())['data']['generator']['rows']} rows"
    )
    print(f"{'stage command':<18}{'wall s':>10}{'peak MiB':>10}")
    for row in rows:
        print(f"{row['command']:<18}{row['seconds']:>10.1f}{row['peak_mib']:>10.0f}")
    print(f"{'from scratch':<18}{scratch:>10.1f}   (target <= 90 s)")
    print(f"{'no-op rerun':<18}{noop:>10.1f}   (target <= 5 s)")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
