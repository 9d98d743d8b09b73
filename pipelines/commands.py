"""The fraudops CLI commands the workflows run: the one place that names them.

Each function returns the arguments after ``python -m fraudops``, the same strings as in
``dvc.yaml``. Values may be Argo expressions (``{{inputs.parameters.index}}``). Commands built
by other work streams are wired here by their agreed names; fix a name here and re-render.
"""

from __future__ import annotations

PROGRAM = ["python", "-m", "fraudops"]
CANDIDATES_DIR = "models/candidates"
DRIFT_EXIT_CODE = 3  # `monitor` exits with this status when drift crosses its threshold


def ingest() -> list[str]:
    return ["ingest"]


def validate_data() -> list[str]:
    return ["validate-data"]


def split() -> list[str]:
    return ["split"]


def validate_split() -> list[str]:
    return ["validate-split"]


def list_candidates() -> list[str]:
    """Prints a JSON list of candidate indices on stdout (the fan-out's ``withParam``)."""
    return ["list-candidates"]


def tune_candidate(index: str) -> list[str]:
    return ["tune-candidate", "--index", index, "--out-dir", CANDIDATES_DIR]


def train() -> list[str]:
    """Selects the best of the fanned-out results, fits it and writes ``models/bundle``."""
    return ["train", "--results-dir", CANDIDATES_DIR]


def evaluate() -> list[str]:
    return ["evaluate"]


def validate_model() -> list[str]:
    return ["validate-model"]


def score_batch(source: str, output_dir: str, shard: str) -> list[str]:
    return ["score-batch", "--input", source, "--output", output_dir, "--shard", shard]


def score_merge(input_dir: str, output: str) -> list[str]:
    return ["score-merge", "--input-dir", input_dir, "--output", output]


def monitor(window: str) -> list[str]:
    """Exits with ``DRIFT_EXIT_CODE`` when drift crosses the threshold in params.yaml."""
    return ["monitor", "--window", window]
