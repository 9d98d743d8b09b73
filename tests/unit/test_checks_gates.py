"""The three gates on clean data pass, their reports are small and readable offline, a broken
model fails, and a gating check that cannot run stops the line (unless params say warn)."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pandas as pd
import pytest
import yaml

from fraudops.checks import data_integrity, model_evaluation, train_test
from fraudops.checks.html import PLOTLY_BANNER
from fraudops.checks.library import deepchecks_module
from fraudops.checks.report import write_reports
from fraudops.config import CheckRule, Checks, Params, parse_params
from fraudops.core.split import split_by_time
from fraudops.errors import FraudopsError
from fraudops.io.bundle import load_bundle
from tests.helpers import params_dict

pytestmark = pytest.mark.slow
MB = 1024 * 1024


@pytest.fixture(scope="module")
def periods(small_frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    parts = split_by_time(small_frame, "timestamp", test_start=None, test_fraction=0.2)
    return parts.train, parts.test


def _assert_small_offline_html(path: pathlib.Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_size < 6 * MB
    # One inlined copy of plotly.js (4.8 MB), no requirejs, and the rest (verdict, Deepchecks'
    # sections, figure data) well under a megabyte: no data set is inlined.
    assert text.count(PLOTLY_BANNER) == 1
    start = text.index(PLOTLY_BANNER)
    library_end = text.index("</script>", start)
    assert len(text) - (library_end - start) < 1 * MB
    assert "require(" not in text[library_end:]
    assert text.index(PLOTLY_BANNER) < text.index("Plotly.newPlot")


def test_validate_data__clean_data_passes_and_reports(
    small_frame: pd.DataFrame, small_params: Params, tmp_path: pathlib.Path
) -> None:
    run = data_integrity.run_data_integrity(
        small_frame, small_params.data.columns, small_params.checks
    )
    assert run.report.passed, run.report.failure_message()
    assert all(o.figure is not None for o in run.report.outcomes)
    paths = write_reports(run, tmp_path)
    payload = json.loads(paths.json.read_text())
    assert payload["passed"] is True
    assert set(payload["checks"]) == {o.key for o in run.report.outcomes}
    _assert_small_offline_html(paths.html)
    assert "Feature Label Correlation" in paths.html.read_text(encoding="utf-8")


def test_validate_split__clean_periods_pass(
    periods: tuple[pd.DataFrame, pd.DataFrame], small_params: Params, tmp_path: pathlib.Path
) -> None:
    run = train_test.run_train_test(*periods, small_params.data.columns, small_params.checks)
    assert run.report.passed, run.report.failure_message()
    assert all(o.figure is not None for o in run.report.outcomes)
    _assert_small_offline_html(write_reports(run, tmp_path).html)


def _model_run(
    workspace: pathlib.Path, cfg: Checks, shuffle: bool = False
) -> model_evaluation.SuiteRun:
    bundle = load_bundle(workspace / "models/bundle")
    train = pd.read_parquet(workspace / "data/processed/train.parquet")
    test = pd.read_parquet(workspace / "data/processed/test.parquet")
    if shuffle:
        label = bundle.contract.label
        test[label] = np.random.default_rng(0).permutation(test[label].to_numpy())
    return model_evaluation.run_model_evaluation(bundle.pipeline, bundle.contract, train, test, cfg)


def test_validate_model__trained_model_passes(
    trained_workspace: pathlib.Path, small_params: Params, tmp_path: pathlib.Path
) -> None:
    run = _model_run(trained_workspace, small_params.checks)
    assert run.report.passed, run.report.failure_message()
    figures = {o.key: o.figure for o in run.report.outcomes}
    assert figures["roc_report"] is not None
    assert figures["roc_report"] > 0.8
    assert figures["simple_model_comparison"] is not None
    assert figures["simple_model_comparison"] > 0.1
    _assert_small_offline_html(write_reports(run, tmp_path).html)


def test_validate_model__labels_unrelated_to_scores_fail(
    trained_workspace: pathlib.Path, small_params: Params
) -> None:
    run = _model_run(trained_workspace, small_params.checks, shuffle=True)
    failed = {o.name for o in run.report.failures}
    assert {"Roc Report", "Simple Model Comparison"} <= failed
    assert "Roc Report: 0." in run.report.failure_message()


def test_decision_model__predicts_with_the_contract_threshold(
    trained_workspace: pathlib.Path,
) -> None:
    bundle = load_bundle(trained_workspace / "models/bundle")
    test = pd.read_parquet(trained_workspace / "data/processed/test.parquet")
    model = model_evaluation.DecisionModel(
        bundle.pipeline, bundle.contract.feature_names, bundle.contract.threshold
    )
    scores = bundle.pipeline.predict_proba(test[bundle.contract.feature_names])[:, 1]
    reordered = test.sample(frac=1.0, random_state=1)
    assert np.array_equal(model.predict(test), scores >= bundle.contract.threshold)
    # Cached answers follow the rows' order, not just their set.
    assert np.allclose(model.predict_proba(reordered)[:, 1], scores[reordered.index])


def test_gate__a_gating_check_that_raises_stops_the_line(
    periods: tuple[pd.DataFrame, pd.DataFrame],
    small_params: Params,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checks = deepchecks_module("deepchecks.tabular.checks")

    def broken(self: object, context: object) -> None:
        raise ValueError("simulated failure")

    monkeypatch.setattr(checks.FeatureDrift, "run_logic", broken)
    run = train_test.run_train_test(*periods, small_params.data.columns, small_params.checks)
    drift = next(o for o in run.report.outcomes if o.key == "feature_drift")
    assert drift.status == "not_run"
    assert not run.report.passed
    assert "could not run: Feature Drift. ValueError: simulated failure" in (
        run.report.failure_message()
    )
    lenient = small_params.checks.model_copy(update={"not_run": "warn"})
    assert train_test.run_train_test(*periods, small_params.data.columns, lenient).report.passed


def test_specs__cover_the_deepchecks_suites_and_the_params() -> None:
    """Every check of Deepchecks' three default suites is gated or left out for a reason, and
    every spec has its params key (so a Deepchecks upgrade that adds a check shows here)."""
    suites = deepchecks_module("deepchecks.tabular.suites")
    for suite, module, rules in (
        (suites.data_integrity(), data_integrity, Checks().data_integrity),
        (suites.train_test_validation(), train_test, Checks().train_test_validation),
        (suites.model_evaluation(), model_evaluation, Checks().model_evaluation),
    ):
        shipped = {type(check).__name__ for check in suite.checks.values()}
        covered = {spec.check for spec in module.SPECS} | set(getattr(module, "LEFT_OUT", {}))
        assert shipped <= covered, shipped - covered
        keys = {spec.key for spec in module.SPECS}
        assert keys <= set(type(rules).model_fields)


def test_params__shipped_checks_are_the_defaults() -> None:
    shipped = parse_params(params_dict()).checks
    assert shipped == Checks()
    contract_keys = {
        "data_not_empty",
        "declared_columns",
        "declared_types",
        "label_binary",
        "label_classes",
        "impossible_values",
        "conflicting_labels",
    }
    spec_keys = {spec.key for spec in data_integrity.SPECS}
    assert set(type(shipped.data_integrity).model_fields) == spec_keys | contract_keys


def test_params__unknown_check_or_gate_is_refused() -> None:
    with pytest.raises(FraudopsError, match=r"checks\.data_integrity\.data_duplicate: unknown key"):
        parse_params(params_dict({"checks.data_integrity.data_duplicate": {"gate": "fail"}}))
    with pytest.raises(FraudopsError, match=r"checks\.model_evaluation\.roc_report\.gate"):
        parse_params(params_dict({"checks.model_evaluation.roc_report": {"gate": "stop"}}))
    assert CheckRule().gate == "warn"


def test_params__bare_yaml_off_switches_a_check_off() -> None:
    """YAML 1.1 reads `gate: off` as false; it means off."""
    rule = CheckRule.model_validate(yaml.safe_load("{gate: off, threshold: 0.1}"))
    assert rule.gate == "off"
