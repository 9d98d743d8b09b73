"""Run a Deepchecks suite built from specs and the rules in params, and turn each result into
an outcome: a breached condition on a gating check fails, on a warn-only check warns; a check
that raised is "not run" (and fails the gate when it gates, unless ``checks.not_run`` is warn)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
import typing
import warnings

import joblib
import pandas as pd
import threadpoolctl

from fraudops.checks.library import deepchecks_module
from fraudops.checks.outcome import CheckOutcome, SuiteReport
from fraudops.checks.spec import Spec
from fraudops.config import CheckRule, Checks, Columns
from fraudops.core.contract import Contract

log = logging.getLogger(__name__)

RulesModel = typing.Any  # one of the *Rules sections of config.Checks


@dataclasses.dataclass(frozen=True)
class SuiteRun:
    """A gate's verdict, and the Deepchecks result behind it (None if the suite did not run)."""

    report: SuiteReport
    result: typing.Any | None = None


@dataclasses.dataclass(frozen=True)
class Roles:
    """Which column plays which part, from params (data gates) or a bundle's contract."""

    label: str
    features: list[str]
    categorical: list[str]
    timestamp: str
    index: str

    @classmethod
    def of_columns(cls, columns: Columns) -> Roles:
        return cls(
            columns.label, columns.features, columns.categorical, columns.timestamp, columns.id
        )

    @classmethod
    def of_contract(cls, contract: Contract) -> Roles:
        return cls(
            contract.label,
            contract.feature_names,
            contract.categorical,
            contract.timestamp_column,
            contract.id_column,
        )


def make_dataset(frame: pd.DataFrame, roles: Roles) -> typing.Any:
    """A Deepchecks Dataset with the declared roles: the id is its index, the timestamp its date."""
    tabular = deepchecks_module("deepchecks.tabular")
    return tabular.Dataset(
        frame[[roles.index, roles.timestamp, *roles.features, roles.label]].reset_index(drop=True),
        label=roles.label,
        features=roles.features,
        cat_features=roles.categorical,
        datetime_name=roles.timestamp,
        index_name=roles.index,
        label_type="binary",
    )


def active(specs: typing.Sequence[Spec], rules: RulesModel) -> list[tuple[Spec, CheckRule]]:
    pairs = [(spec, typing.cast(CheckRule, getattr(rules, spec.key))) for spec in specs]
    return [(spec, rule) for spec, rule in pairs if rule.gate != "off"]


def _threshold(spec: Spec, rule: CheckRule) -> float | None:
    return spec.fixed if spec.fixed is not None else rule.threshold


def build_suite(
    title: str, specs: typing.Sequence[Spec], rules: RulesModel, cfg: Checks
) -> tuple[typing.Any, dict[int, tuple[Spec, CheckRule]]]:
    """The suite of the active checks, conditions set from params, and each check's spec."""
    tabular = deepchecks_module("deepchecks.tabular")
    library = deepchecks_module("deepchecks.tabular.checks")
    checks, owners = [], {}
    for spec, rule in active(specs, rules):
        options = {"random_state": cfg.random_state, **spec.options}
        if spec.sampled or rule.sample_size:
            options["n_samples"] = rule.sample_size or cfg.sample_size
        check = getattr(library, spec.check)(**options)
        spec.add_condition(check, _threshold(spec, rule))
        checks.append(check)
        owners[id(check)] = (spec, rule)
    return tabular.Suite(title, *checks), owners


def not_run(spec: Spec, rule: CheckRule, name: str, reason: str) -> CheckOutcome:
    return CheckOutcome(
        key=spec.key,
        name=name,
        status="not_run",
        gate=rule.gate,
        threshold=_threshold(spec, rule),
        direction=spec.direction,
        detail=reason,
    )


def skipped(specs: typing.Sequence[Spec], rules: RulesModel, reason: str) -> list[CheckOutcome]:
    """Every active check as not run, e.g. when the data cannot be loaded into Deepchecks."""
    library = deepchecks_module("deepchecks.tabular.checks")
    return [
        not_run(spec, rule, getattr(library, spec.check).name(), reason)
        for spec, rule in active(specs, rules)
    ]


def _figure(spec: Spec, value: typing.Any) -> float | None:
    try:
        figure = spec.figure(value)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        log.warning("%s: could not read its figure: %r", spec.key, error)
        return None
    return None if figure is None else float(figure)


def to_outcome(result: typing.Any, spec: Spec, rule: CheckRule) -> CheckOutcome:
    """One Deepchecks result as an outcome; breached conditions are re-labelled so that the
    HTML shows the same verdict as the gate (Deepchecks marks many breaches as warnings)."""
    core = deepchecks_module("deepchecks.core")
    name = result.check.name()
    if isinstance(result, core.CheckFailure):
        return not_run(spec, rule, name, f"{type(result.exception).__name__}: {result.exception}")
    conditions = list(result.conditions_results)
    errors = [c for c in conditions if c.category == core.ConditionCategory.ERROR]
    if errors:
        return not_run(spec, rule, name, f"its condition raised: {errors[0].details}")
    breached = [c for c in conditions if not c.is_pass()]
    category = core.ConditionCategory.FAIL if rule.gate == "fail" else core.ConditionCategory.WARN
    for condition in breached:
        condition.category = category
    shown = breached or conditions
    return CheckOutcome(
        key=spec.key,
        name=name,
        status=rule.gate if breached else "pass",  # type: ignore[arg-type]
        gate=rule.gate,
        figure=_figure(spec, result.value),
        threshold=_threshold(spec, rule),
        direction=spec.direction,
        condition="; ".join(c.name for c in conditions),
        detail=" ".join(str(c.details) for c in shown[:1]).strip(),
    )


@contextlib.contextmanager
def quiet_deepchecks() -> typing.Iterator[None]:
    """No progress bars or library warnings in logs, no worker processes and one BLAS/OpenMP
    thread. Deepchecks asks joblib for all cores (permutation importance) and predicts in many
    small batches; on two cores a process pool and thread hand-offs cost more than the work
    (measured: permutation importance 4.5 CPU-s with the default threads, 0.8 with one)."""
    deepchecks = deepchecks_module("deepchecks")
    verbosity = deepchecks.get_verbosity()
    deepchecks.set_verbosity(logging.WARNING)
    try:
        with (
            warnings.catch_warnings(),
            joblib.parallel_config(backend="sequential"),
            threadpoolctl.threadpool_limits(1),
        ):
            warnings.simplefilter("ignore")
            yield
    finally:
        deepchecks.set_verbosity(verbosity)


def run_suite(
    title: str,
    specs: typing.Sequence[Spec],
    rules: RulesModel,
    cfg: Checks,
    **run: typing.Any,
) -> tuple[list[CheckOutcome], typing.Any]:
    """Run the suite; ``run`` goes to ``Suite.run`` (datasets, model, feature importance)."""
    suite, owners = build_suite(title, specs, rules, cfg)
    with quiet_deepchecks():
        result = suite.run(**run)
    outcomes = []
    for item in result.results:
        spec, rule = owners[id(item.check)]
        outcomes.append(to_outcome(item, spec, rule))
    return outcomes, result


def run_gate(
    *,
    suite: str,
    title: str,
    specs: typing.Sequence[Spec],
    rules: RulesModel,
    cfg: Checks,
    rows: dict[str, int],
    prepare: typing.Callable[[], dict[str, typing.Any]],
    before: typing.Sequence[CheckOutcome] = (),
    unusable: str = "",
    start: float | None = None,
) -> SuiteRun:
    """One gate: ``prepare`` the suite's inputs (datasets, model), run the suite, and judge it
    together with the outcomes found ``before`` it (the data contract). If an earlier check
    found the data ``unusable``, or the inputs cannot be prepared, every check is "not run"
    with that reason."""
    start = time.perf_counter() if start is None else start
    result = None
    reason = f"skipped: the data breaks its contract ({unusable})" if unusable else ""
    inputs: dict[str, typing.Any] = {}
    if not reason:
        try:
            inputs = prepare()
        except Exception as error:  # any reason the data cannot load stops the gate
            reason = f"skipped: the data cannot be loaded: {type(error).__name__}: {error}"
    if reason:
        found = skipped(specs, rules, reason)
    else:
        found, result = run_suite(f"{title} suite", specs, rules, cfg, **inputs)
    report = SuiteReport(
        suite=suite,
        title=title,
        outcomes=(*before, *found),
        not_run_fails=cfg.not_run == "fail",
        rows=rows,
        seconds=time.perf_counter() - start,
    )
    return SuiteRun(report, result)
