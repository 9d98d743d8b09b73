"""Benchmark: monitoring N logged predictions (target: 100k in under 30 s on 2 cores).

Simulates N labelled transactions over a week, scores them with the bundle and writes them as
prediction logs in a temporary folder; then runs ``python -m fraudops monitor`` on them as a
fresh process (what a scheduled job pays, imports included) and, in this process, each phase
of the job on its own. Needs ``models/bundle`` and ``models/reference`` (``dvc repro
reference``). Usage: ``python bench/monitoring.py [--rows 100000] [--days 7]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time
import typing

os.environ.setdefault("DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY", "1")

from fraudops.config import load_params
from fraudops.monitoring.drift import DriftChecks
from fraudops.monitoring.labels import join_labels, read_labels
from fraudops.monitoring.logs import Window, read_logs
from fraudops.monitoring.reference import load_checked
from fraudops.monitoring.timeline import timeline
from fraudops.monitoring.traffic import simulate_traffic
from fraudops.scoring.engine import load_engine

BUNDLE = pathlib.Path("models/bundle")
REFERENCE = pathlib.Path("models/reference")
UNTIL = dt.date(2025, 7, 8)


T = typing.TypeVar("T")


def _timed(label: str, rows: list[tuple[str, float]], action: typing.Callable[[], T]) -> T:
    start = time.perf_counter()
    result = action()
    rows.append((label, time.perf_counter() - start))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    params = load_params("params.yaml")
    cfg = params.monitoring
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-monitoring-") as folder:
        tmp = pathlib.Path(folder)
        logs, labels, out = tmp / "logs", tmp / "labels.csv", tmp / "reports"
        _timed(
            f"simulate, score and log {args.rows} records",
            rows,
            lambda: simulate_traffic(
                generator=params.data.generator,
                engine=load_engine(BUNDLE),
                scenario="amounts",
                until=UNTIL,
                days=args.days,
                rows=args.rows,
                log_dir=logs,
                labels_path=labels,
                drift_start_day=args.days // 2,
            ),
        )
        since = UNTIL - dt.timedelta(days=args.days)
        command = [
            sys.executable,
            "-m",
            "fraudops",
            "monitor",
            "--logs",
            str(logs),
            "--labels",
            str(labels),
            "--since",
            since.isoformat(),
            "--until",
            UNTIL.isoformat(),
            "--out",
            str(out),
        ]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        end_to_end = time.perf_counter() - start
        if done.returncode not in (0, 3):
            sys.exit(f"monitor failed ({done.returncode}):\n{done.stderr[-3000:]}")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        window = Window(
            dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC),
            dt.datetime.combine(UNTIL, dt.time(), tzinfo=dt.UTC),
        )
        contract, reference = load_checked(BUNDLE, REFERENCE)
        scan = _timed("  read logs", rows, lambda: read_logs(logs, window, contract))
        labelled = _timed(
            "  read and join labels",
            rows,
            lambda: join_labels(scan.frame, read_labels(labels, contract)),
        )
        checks = DriftChecks(reference.frame, contract, cfg)
        _timed("  window drift (3 Deepchecks checks)", rows, lambda: checks.window(scan.frame))
        _timed(
            f"  drift and performance per {cfg.bucket_hours} h bucket",
            rows,
            lambda: timeline(window, scan.frame, labelled.frame, checks, contract, cfg),
        )
        rows.append(
            (f"monitor CLI end to end (exit {done.returncode}, peak {peak_mb:.0f} MB)", end_to_end)
        )
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}
    width = max(len(label) for label, _ in rows)
    cpus, load = os.cpu_count(), os.getloadavg()[0]
    print(f"\nmonitoring {args.rows} records over {args.days} days; {cpus} CPUs, load {load:.1f}")
    print(f"{'step'.ljust(width)}  seconds")
    for label, seconds in rows:
        print(f"{label.ljust(width)}  {seconds:7.2f}")
    print(f"target: monitor end to end under 30 s -> {'met' if end_to_end < 30 else 'NOT met'}")
    print(
        "outputs: " + ", ".join(f"{name} {size // 1024} KB" for name, size in sorted(sizes.items()))
    )


if __name__ == "__main__":
    main()
