"""train: tune, fit the best candidate, choose the threshold, log to MLflow, write the bundle."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import pathlib

from fraudops.config import Params
from fraudops.core.contract import Contract, describe_features
from fraudops.core.metrics import classification_metrics
from fraudops.core.search import configured_pipeline, score_all
from fraudops.core.split import fit_validation_split
from fraudops.core.threshold import choose_threshold
from fraudops.core.tuning import select_best
from fraudops.io import tracking
from fraudops.io.bundle import save_bundle
from fraudops.io.candidates import read_results
from fraudops.io.datasets import read_parquet
from fraudops.io.files import file_md5, write_json
from fraudops.io.gitinfo import git_commit

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class TrainResult:
    contract: Contract
    cv_score: float
    candidates: int


def params_hash(params: Params) -> str:
    body = params.model_dump(mode="json", include={"data", "split", "train", "threshold"})
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def train(
    *,
    params: Params,
    train_path: pathlib.Path,
    bundle_dir: pathlib.Path,
    tuning_out: pathlib.Path,
    results_dir: pathlib.Path | None = None,
) -> TrainResult:
    columns, cfg = params.data.columns, params.train
    data = fit_validation_split(
        read_parquet(train_path), columns.timestamp, params.split.validation_fraction
    )
    results = read_results(results_dir) if results_dir else score_all(cfg, columns, data.fit)
    best = select_best(results)
    log.info(
        "best candidate %d %s (%s %.4f)",
        best.index,
        best.params,
        cfg.search.scoring,
        best.mean_score,
    )

    pipeline = configured_pipeline(cfg, columns, best.params)
    features = columns.features
    pipeline.fit(data.fit[features], data.fit[columns.label])
    scores = pipeline.predict_proba(data.validation[features])[:, 1]
    y_val = data.validation[columns.label].to_numpy()
    choice = choose_threshold(y_val, scores, params.threshold)
    metrics = {
        f"validation_{k}": v
        for k, v in classification_metrics(
            y_val, scores, choice.threshold, params.threshold
        ).items()
    }
    metrics["cv_" + cfg.search.scoring] = best.mean_score
    log.info(
        "threshold %.4f by %s; validation %s",
        choice.threshold,
        choice.objective,
        {k: round(v, 4) for k, v in metrics.items()},
    )

    data_hash = file_md5(train_path)
    commit = git_commit()
    p_hash = params_hash(params)
    tags = {
        "git_commit": commit,
        "data_hash": data_hash,
        "params_hash": p_hash,
        "classifier": cfg.classifier,
    }
    tuning = {
        "scoring": cfg.search.scoring,
        "best_index": best.index,
        "candidates": [dataclasses.asdict(r) for r in results],
    }
    with tracking.training_run(cfg.model_name, tags) as run_id:
        contract = Contract(
            model_name=cfg.model_name,
            bundle_version=dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S"),
            classifier=cfg.classifier,
            id_column=columns.id,
            timestamp_column=columns.timestamp,
            label=columns.label,
            features=describe_features(data.fit, columns),
            threshold=choice.threshold,
            threshold_objective=choice.objective,
            costs={
                "missed_fraud": params.threshold.cost_missed_fraud,
                "false_alarm": params.threshold.cost_false_alarm,
            },
            metrics=metrics,
            best_params=best.params,
            data_hash=data_hash,
            params_hash=p_hash,
            git_commit=commit,
            mlflow_run_id=run_id,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        tracking.log_training(
            params={
                "classifier": cfg.classifier,
                "class_weight": cfg.class_weight,
                "threshold": choice.threshold,
                "threshold_objective": choice.objective,
                **{f"best_{k}": v for k, v in best.params.items()},
            },
            metrics=metrics,
            pipeline=pipeline,
            example=data.validation[features].head(5),
            artifacts={"contract.json": contract.model_dump(mode="json"), "tuning.json": tuning},
        )
        sealed = save_bundle(bundle_dir, pipeline, contract)
    write_json(tuning_out, tuning)
    log.info(
        "bundle %s version %s written to %s", sealed.model_name, sealed.bundle_version, bundle_dir
    )
    return TrainResult(contract=sealed, cv_score=best.mean_score, candidates=len(results))
