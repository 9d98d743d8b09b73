"""The ``fraudops`` command: every command group of this package, registered in one place."""

from __future__ import annotations

import atexit
import json
import logging
import sys
import time

import typer

from fraudops.cli import batch, ci, gitops, monitoring, serving, stages
from fraudops.environment import load_environment, quiet_third_parties
from fraudops.errors import FraudopsError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="fraudops: train, check, serve and promote the card-fraud model.",
)
for group in (stages, batch, ci, gitops, monitoring, serving):
    app.add_typer(group.commands)


@app.callback()
def _setup(verbose: bool = typer.Option(False, "--verbose", "-v")) -> None:
    quiet_third_parties()
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("alembic", "mlflow", "urllib3", "matplotlib", "numexpr"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _record_profile(path: str, started: float) -> None:
    """Append this command's wall time and peak memory (bench/pipeline.py reads them)."""
    import resource

    record = {
        "command": sys.argv[1] if len(sys.argv) > 1 else "",
        "seconds": round(time.perf_counter() - started, 3),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    with open(path, "a") as handle:
        handle.write(json.dumps(record) + "\n")


def main() -> None:
    """Console entry: a ``FraudopsError`` becomes one clear line and exit status 1."""
    started = time.perf_counter()
    try:
        profile = load_environment().profile_file
        if profile:
            atexit.register(_record_profile, str(profile), started)
        app()
    except FraudopsError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
