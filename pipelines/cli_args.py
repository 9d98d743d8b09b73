"""The fraudops CLI commands the workflows run: the one place that names them.

Each function returns the arguments after ``python -m fraudops``, the same strings as in
``dvc.yaml``. Values may be Argo expressions (``{{inputs.parameters.index}}``). A test checks
that every command named here exists in the CLI; rename one here and re-render.
"""

from __future__ import annotations

from fraudops import paths

PROGRAM = ["python", "-m", "fraudops"]
CANDIDATES_DIR = str(paths.CANDIDATES)
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


def reference() -> list[str]:
    """The training reference sample that monitoring compares logged traffic with."""
    return ["reference"]


def export_onnx() -> list[str]:
    """The parity-gated ONNX export (models/model.onnx)."""
    return ["export-onnx"]


def score_batch(source: str, output_dir: str, shard: str) -> list[str]:
    """Scores shard ``i/n`` of ``source`` into ``output_dir`` (part files and a shard summary)."""
    return ["score-batch", source, "--out", output_dir, "--shard", shard]


def score_merge(output_dir: str) -> list[str]:
    """Checks that every shard of ``output_dir`` is there and writes the merged summary."""
    return ["score-merge", output_dir]


def monitor(window_days: str) -> list[str]:
    """Exits with ``DRIFT_EXIT_CODE`` when drift crosses the threshold in params.yaml."""
    return ["monitor", "--window-days", window_days]
