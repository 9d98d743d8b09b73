"""export_onnx: convert the bundle's pipeline to ONNX and gate it on parity over the test period.

The parity report is written whether the gate passes or not; ``model.onnx`` only when it
passes, so a failed export leaves nothing an engine could load.
"""

from __future__ import annotations

import dataclasses
import logging
import pathlib

from fraudops.config import ExportOnnx
from fraudops.core.contract import row_problems
from fraudops.errors import FraudopsError
from fraudops.io.bundle import load_bundle
from fraudops.io.datasets import read_parquet
from fraudops.io.files import atomic_path, write_json
from fraudops.scoring.engine import OnnxEngine, onnx_session
from fraudops.scoring.onnx_export import Parity, check_parity, convert_pipeline

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ExportResult:
    parity: Parity
    onnx_path: pathlib.Path
    size_bytes: int


def export_onnx(
    *,
    cfg: ExportOnnx,
    bundle_dir: pathlib.Path,
    test_path: pathlib.Path,
    out: pathlib.Path,
    parity_out: pathlib.Path,
) -> ExportResult:
    bundle = load_bundle(bundle_dir)
    contract = bundle.contract
    test = read_parquet(test_path)
    valid = test[row_problems(test, contract) == ""]
    if valid.empty:
        raise FraudopsError(f"{test_path}: no row satisfies the contract; nothing to compare")
    model = convert_pipeline(bundle.pipeline, contract)
    payload = model.SerializeToString()
    engine = OnnxEngine(session=onnx_session(payload), contract=contract)
    parity = check_parity(bundle.pipeline, engine, valid, contract)
    failures = parity.failures(cfg.max_abs_diff, cfg.identical_decisions)
    write_json(
        parity_out,
        {
            **dataclasses.asdict(parity),
            "max_abs_diff_allowed": cfg.max_abs_diff,
            "passed": not failures,
            "bundle_version": contract.bundle_version,
            "onnx_bytes": len(payload),
        },
    )
    if failures:
        raise FraudopsError(
            f"ONNX parity gate failed on {parity.rows} test rows: {'; '.join(failures)}; "
            f"{out} not written (report: {parity_out})"
        )
    with atomic_path(out) as temp:
        temp.write_bytes(payload)
    log.info(
        "ONNX export %s: %d bytes, %d test rows, largest difference %.2g, %d decisions differ",
        out,
        len(payload),
        parity.rows,
        parity.max_abs_diff,
        parity.decision_mismatches,
    )
    return ExportResult(parity=parity, onnx_path=out, size_bytes=len(payload))
