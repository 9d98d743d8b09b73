"""Serving benchmark: the BentoML service against `mlflow models serve` of the same model, and
in-process prediction (the limit), on loopback.

For single-record and 100-record requests at concurrency 1, 8 and 32 it prints one table of
throughput, p50 / p95 / p99 latency, errors and 5xx answers. Each server runs alone, started
fresh, with its own defaults; a small asyncio client on keep-alive connections drives it (the
client shares the machine's cores with the server, as a sidecar or a gateway would).

    python bench/serving.py [--bundle models/bundle] [--seconds 8] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import typing

import httpx
import pandas as pd

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers import free_port, start_server, stop_process  # noqa: E402

SIZES = (1, 100)
CONCURRENCY = (1, 8, 32)


@dataclasses.dataclass(frozen=True)
class Cell:
    server: str
    records: int
    concurrency: int
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    server_errors: int

    def row(self) -> list[str]:
        q = statistics.quantiles(self.latencies, n=100) if len(self.latencies) > 1 else [0] * 99
        rate = self.requests / self.seconds
        return [
            self.server,
            str(self.records),
            str(self.concurrency),
            f"{rate:,.0f}",
            f"{rate * self.records:,.0f}",
            f"{q[49] * 1e3:.1f}",
            f"{q[94] * 1e3:.1f}",
            f"{q[98] * 1e3:.1f}",
            str(self.errors),
            str(self.server_errors),
        ]


# --------------------------------------------------------------------------- the load client


def http_request(port: int, path: str, payload: dict[str, typing.Any]) -> bytes:
    body = json.dumps(payload).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _connection(
    port: int, request: bytes, stop_at: float, warm_until: float, out: dict[str, typing.Any]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (now := time.perf_counter()) < stop_at:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if now < warm_until:
                continue
            out["latencies"].append(time.perf_counter() - now)
            if status != 200:
                out["errors"] += 1
                out["server_errors"] += status >= 500
    except (OSError, asyncio.IncompleteReadError):
        out["errors"] += 1
    finally:
        writer.close()


def drive(
    name: str, port: int, request: bytes, records: int, concurrency: int, seconds: float
) -> Cell:
    """``concurrency`` keep-alive connections sending ``request`` back to back."""
    out: dict[str, typing.Any] = {"latencies": [], "errors": 0, "server_errors": 0}
    warm = min(2.0, seconds / 3)

    async def run() -> None:
        start = time.perf_counter()
        stop_at = start + warm + seconds
        await asyncio.gather(
            *(_connection(port, request, stop_at, start + warm, out) for _ in range(concurrency))
        )

    asyncio.run(run())
    return Cell(
        name,
        records,
        concurrency,
        len(out["latencies"]),
        seconds,
        out["latencies"],
        out["errors"],
        out["server_errors"],
    )


# --------------------------------------------------------------------------- the contenders


def load_records(bundle: pathlib.Path, count: int) -> list[dict[str, typing.Any]]:
    contract = json.loads((bundle / "contract.json").read_text())
    names = [f["name"] for f in contract["features"]]
    test = REPO / "data/processed/test.parquet"
    if test.is_file():
        frame = pd.read_parquet(test, columns=names).head(count)
    else:  # no pipeline run yet: the generator's rows
        from fraudops.config import load_params
        from fraudops.core.generator import generate_transactions

        generator = load_params(REPO / "params.yaml").data.generator
        frame = generate_transactions(generator.model_copy(update={"rows": 2000}))[names]
        frame = frame.head(count)
    return typing.cast(list[dict[str, typing.Any]], json.loads(frame.to_json(orient="records")))


def in_process(
    bundle: pathlib.Path, rows: list[dict[str, typing.Any]], seconds: float
) -> list[Cell]:
    """Frame construction plus one ``predict_proba`` per request: no HTTP, no JSON."""
    from fraudops.scoring.engine import engine_name_from_env, load_engine

    engine = load_engine(bundle, engine_name_from_env())
    cells = []
    for size in SIZES:
        batch = rows[:size]
        latencies: list[float] = []
        stop_at = time.perf_counter() + seconds
        while (start := time.perf_counter()) < stop_at:
            engine.predict_proba(pd.DataFrame(batch))
            latencies.append(time.perf_counter() - start)
        cells.append(Cell("in-process", size, 1, len(latencies), seconds, latencies, 0, 0))
    return cells


def run_cells(
    name: str,
    port: int,
    path: str,
    payload: typing.Callable[[list[dict[str, typing.Any]]], dict[str, typing.Any]],
    rows: list[dict[str, typing.Any]],
    seconds: float,
    sizes: tuple[int, ...] = SIZES,
) -> list[Cell]:
    cells = []
    for size in sizes:
        request = http_request(port, path, payload(rows[:size]))
        for concurrency in CONCURRENCY:
            cell = drive(name, port, request, size, concurrency, seconds)
            print("  " + " ".join(cell.row()), file=sys.stderr, flush=True)
            cells.append(cell)
    return cells


def bentoml_cells(
    bundle: pathlib.Path, rows: list[dict[str, typing.Any]], seconds: float, workers: int
) -> list[Cell]:
    """A fresh server for each request size: BentoML's batching keeps the wait it learned
    under load for minutes, which would otherwise carry from one size to the next."""
    with tempfile.TemporaryDirectory(prefix="bench-bentoml-") as folder:
        env = {
            "BENTOML_HOME": f"{folder}/bentoml",
            "BENTOML_DO_NOT_TRACK": "True",
            "FRAUDOPS_PREDICTION_LOG_DIR": f"{folder}/predictions",
            "FRAUDOPS_WORKERS": str(workers),
        }
        imported = subprocess.run(
            [sys.executable, "-m", "fraudops", "import-model", "--bundle", str(bundle)],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        env["FRAUDOPS_MODEL_TAG"] = imported.stdout.strip()
        cells = []
        for size in SIZES:
            port = free_port()
            command = [sys.executable, "-m", "bentoml", "serve"]
            command += ["fraudops.serving.service:FraudDetection", "--port", str(port)]
            process = start_server(
                [*command, "--host", "127.0.0.1"],
                f"http://127.0.0.1:{port}/readyz",
                log=pathlib.Path(folder) / f"server-{size}.log",
                env=env,
                cwd=pathlib.Path(folder),
                timeout=180,
            )
            try:
                cells += run_cells(
                    f"bentoml ({workers}w)",
                    port,
                    "/predict",
                    lambda batch: {"transactions": batch},
                    rows,
                    seconds,
                    sizes=(size,),
                )
            finally:
                stop_process(process)
        return cells


def mlflow_cells(
    bundle: pathlib.Path, rows: list[dict[str, typing.Any]], seconds: float
) -> list[Cell]:
    import mlflow.sklearn
    from mlflow.models import infer_signature

    from fraudops.io.bundle import load_bundle

    loaded = load_bundle(bundle)
    columns = loaded.contract.feature_names
    example = pd.DataFrame(rows[:5])[columns]
    with tempfile.TemporaryDirectory(prefix="bench-mlflow-") as folder:
        model_dir = pathlib.Path(folder) / "model"
        mlflow.sklearn.save_model(
            loaded.pipeline,
            str(model_dir),
            serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE,
            pyfunc_predict_fn="predict_proba",
            signature=infer_signature(example, loaded.pipeline.predict_proba(example)),
        )
        port = free_port()
        # `mlflow models serve` starts uvicorn from PATH: the environment's bin/ goes first.
        env = {"PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        mlflow_cli = shutil.which("mlflow", path=env["PATH"]) or "mlflow"
        command = [mlflow_cli, "models", "serve", "-m", str(model_dir), "--env-manager", "local"]
        process = start_server(
            [*command, "-h", "127.0.0.1", "-p", str(port)],
            f"http://127.0.0.1:{port}/ping",
            log=pathlib.Path(folder) / "server.log",
            env=env,
            timeout=180,
        )
        try:
            probe = httpx.post(
                f"http://127.0.0.1:{port}/invocations",
                json={
                    "dataframe_split": {"columns": columns, "data": [[rows[0][c] for c in columns]]}
                },
                timeout=30,
            )
            probe.raise_for_status()
            return run_cells(
                "mlflow serve",
                port,
                "/invocations",
                lambda batch: {
                    "dataframe_split": {
                        "columns": columns,
                        "data": [[r[c] for c in columns] for r in batch],
                    }
                },
                rows,
                seconds,
            )
        finally:
            stop_process(process)


# --------------------------------------------------------------------------- the report


def table(cells: list[Cell]) -> str:
    header = ["server", "records", "conc", "req/s", "records/s", "p50 ms", "p95 ms", "p99 ms"]
    header += ["errors", "5xx"]
    rows = [header, *(cell.row() for cell in cells)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            v.rjust(w) if i > 0 else v.ljust(w)
            for i, (v, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verdict(cells: list[Cell]) -> str:
    def find(server: str, records: int, concurrency: int) -> Cell | None:
        return next(
            (
                c
                for c in cells
                if c.server == server and (c.records, c.concurrency) == (records, concurrency)
            ),
            None,
        )

    lines = []
    ours_names = sorted({c.server for c in cells if c.server.startswith("bentoml")})
    for name in ours_names:
        for concurrency, target in ((8, 5), (32, 8)):
            ours, theirs = find(name, 1, concurrency), find("mlflow serve", 1, concurrency)
            if ours is None or theirs is None or not theirs.requests:
                continue
            ratio = ours.requests / theirs.requests
            p99 = statistics.quantiles(ours.latencies, n=100)[98] * 1e3
            met = ratio >= target and (concurrency != 8 or p99 < 50)
            lines.append(
                f"{name}, 1 record, concurrency {concurrency}: {ratio:.1f}x mlflow's "
                f"throughput, p99 {p99:.1f} ms (target {target}x"
                f"{' and p99 < 50 ms' if concurrency == 8 else ''}): {'met' if met else 'NOT met'}"
            )
    ours = [c for c in cells if c.server.startswith("bentoml")]
    lines.append(
        f"bentoml errors: {sum(c.errors for c in ours)}, 5xx: {sum(c.server_errors for c in ours)}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=pathlib.Path, default=REPO / "models/bundle")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per cell")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="BentoML workers, one run each"
    )
    parser.add_argument("--only", choices=["in-process", "bentoml", "mlflow"], action="append")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    rows = load_records(args.bundle, max(SIZES))
    only = set(args.only or ["in-process", "bentoml", "mlflow"])
    started = time.perf_counter()
    cells: list[Cell] = []
    if "in-process" in only:
        cells += in_process(args.bundle, rows, args.seconds)
    if "bentoml" in only:
        for workers in args.workers:
            cells += bentoml_cells(args.bundle, rows, args.seconds, workers)
    if "mlflow" in only:
        cells += mlflow_cells(args.bundle, rows, args.seconds)
    print(f"loopback, {os.cpu_count()} cores, {args.seconds:g} s a cell after warm-up")
    print(table(cells))
    print(verdict(cells))
    print(f"took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
