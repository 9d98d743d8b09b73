"""Benchmark: monitoring N logged predictions (target: 100k in under 30 s on 2 cores).

Simulates N labelled transactions over a week (half of it with shifted amounts), scores them
with the bundle and writes them as prediction logs in a temporary folder; then runs
``python -m fraudops monitor`` on them as a fresh process (what a scheduled job pays, imports
included), a fresh process that only imports what ``monitor`` imports, and each phase of the
job in this process. Wall and CPU seconds are printed with the load average, since other work
on the machine stretches wall time. Needs ``models/bundle`` and ``models/reference``
(``dvc repro reference``). Usage: ``python bench/monitoring.py [--rows 100000] [--days 7]``.
"""

from __future__ import annotations

import argparse
import dataclasses
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
IMPORTS = "import fraudops.cli.app, fraudops.monitoring.job, fraudops.monitoring.drift"
T = typing.TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Row:
    step: str
    wall: float
    cpu: float


def _timed(step: str, rows: list[Row], action: typing.Callable[[], T]) -> T:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    rows.append(Row(step, time.perf_counter() - wall, time.process_time() - cpu))
    return result


def _child(step: str, rows: list[Row], command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a child process; its CPU seconds come from the children's rusage."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    rows.append(Row(step, elapsed, cpu))
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    params = load_params("params.yaml")
    cfg = params.monitoring
    since = UNTIL - dt.timedelta(days=args.days)
    window = Window(
        dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC),
        dt.datetime.combine(UNTIL, dt.time(), tzinfo=dt.UTC),
    )
    rows: list[Row] = []
    load = os.getloadavg()[0]
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
        command = [sys.executable, "-m", "fraudops", "monitor", "--logs", str(logs)]
        command += ["--labels", str(labels), "--out", str(out)]
        command += ["--since", since.isoformat(), "--until", UNTIL.isoformat()]
        done = _child("monitor CLI, end to end", rows, command)
        if done.returncode not in (0, 3):
            sys.exit(f"monitor failed ({done.returncode}):\n{done.stderr[-3000:]}")
        end_to_end = rows[-1].wall
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        _child("  of which: starting Python and importing", rows, [sys.executable, "-c", IMPORTS])

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
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}

    width = max(len(r.step) for r in rows)
    print(
        f"\nmonitoring {args.rows} logged predictions over {args.days} days "
        f"({os.cpu_count()} CPUs, load average {load:.1f} at the start)"
    )
    print(f"{'step'.ljust(width)}  wall s   CPU s")
    for row in rows:
        print(f"{row.step.ljust(width)}  {row.wall:6.2f}  {row.cpu:6.2f}")
    verdict = "met" if end_to_end < 30 else "NOT met"
    print(f"monitor exit status {done.returncode}, peak memory {peak_mb:.0f} MB")
    print(f"target: end to end under 30 s on 2 cores -> {verdict} ({end_to_end:.1f} s)")
    print("outputs: " + ", ".join(f"{n} {s // 1024} KB" for n, s in sorted(sizes.items())))


if __name__ == "__main__":
    main()
