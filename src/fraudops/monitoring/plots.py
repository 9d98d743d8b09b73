"""PNG plots of drift and performance over time.

Figures are built with ``matplotlib.figure.Figure`` rather than pyplot: no global backend to
switch, no display needed on CI runners or in pods, nothing left open between calls.
"""

from __future__ import annotations

import pathlib
import typing

import numpy as np
from matplotlib import dates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from fraudops.io.files import atomic_path
from fraudops.monitoring.logs import SCORE
from fraudops.monitoring.timeline import Bucket

if typing.TYPE_CHECKING:
    from fraudops.monitoring.drift import Score

PERFORMANCE_METRICS = ("average_precision", "recall", "precision")


def _save(figure: Figure, path: pathlib.Path) -> None:
    figure.tight_layout()
    with atomic_path(path) as temp:
        figure.savefig(temp, format="png", dpi=100)


def feature_drift_plot(scores: list[Score], path: pathlib.Path) -> None:
    """Window drift score per feature (and of the prediction), with each threshold."""
    shown = [s for s in scores if s.kind != "multivariate"]
    figure = Figure(figsize=(8, 0.35 * len(shown) + 1.5))
    axis = figure.subplots()
    names = [s.name for s in shown]
    values = [s.value or 0.0 for s in shown]
    colors = ["tab:red" if s.crossed else "tab:blue" for s in shown]
    axis.barh(names, values, color=colors)
    axis.scatter([s.threshold for s in shown], names, marker="|", s=200, color="black")
    axis.invert_yaxis()
    axis.set_xlabel("drift score (bar) and threshold (|); red: above threshold")
    axis.set_title("Drift per feature and of the score")
    _save(figure, path)


def _times(buckets: list[Bucket]) -> np.ndarray:
    """Bucket middles in matplotlib's date unit (days), so the x axis can show dates."""
    starts = np.asarray(dates.date2num([b.start for b in buckets]), dtype=float)
    return starts + _step(starts) / 2


def _step(times: np.ndarray) -> float:
    return float(np.diff(times)[0]) if len(times) > 1 else 1.0


def _series(values: list[float | None]) -> np.ndarray:
    """Missing figures become NaN: matplotlib leaves a gap there."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _date_axis(axis: Axes) -> None:
    axis.xaxis.set_major_formatter(dates.DateFormatter("%m-%d %H:%M"))
    axis.tick_params(axis="x", labelrotation=30, labelsize=8)


def drift_over_time_plot(buckets: list[Bucket], scores: list[Score], path: pathlib.Path) -> None:
    """Drift score per bucket of every feature (thin) and of the score (thick)."""
    figure = Figure(figsize=(9, 4.5))
    axis = figure.subplots()
    times = _times(buckets)
    for score in scores:
        if score.kind == "multivariate":
            continue
        key = SCORE if score.kind == "prediction" else score.name
        values = _series([b.drift.get(key) for b in buckets])
        if np.isnan(values).all():
            continue
        width, color = (2.5, "black") if key == SCORE else (1.0, None)
        axis.plot(times, values, marker="o", label=key, linewidth=width, color=color)
    for value in sorted({s.threshold for s in scores if s.kind != "multivariate"}):
        axis.axhline(value, linestyle="--", color="grey", linewidth=1)
    axis.set_ylabel("drift score per bucket")
    axis.set_title("Drift over time (dashed: thresholds)")
    axis.legend(fontsize=7, ncol=2, loc="upper left")
    _date_axis(axis)
    _save(figure, path)


def performance_plot(
    buckets: list[Bucket], test_metrics: dict[str, float] | None, path: pathlib.Path
) -> None:
    """Volume and flag rate per bucket; with labels, metrics against their test figures."""
    labelled = any(b.metrics for b in buckets)
    figure = Figure(figsize=(9, 7 if labelled else 3.5))
    axes = figure.subplots(2 if labelled else 1, 1, squeeze=False)[:, 0]
    times = _times(buckets)
    top = axes[0]
    top.bar(times, [b.rows for b in buckets], width=0.8 * _step(times), color="lightgrey")
    top.set_ylabel("records")
    rate = top.twinx()
    rate.plot(times, _series([b.flag_rate for b in buckets]), marker="o", color="tab:orange")
    rate.set_ylabel("flag rate", color="tab:orange")
    top.set_title("Volume and share of transactions flagged")
    _date_axis(top)
    if labelled:
        bottom = axes[1]
        for index, name in enumerate(PERFORMANCE_METRICS):
            color = f"C{index}"
            values = _series([b.metrics.get(name) for b in buckets])
            bottom.plot(times, values, marker="o", color=color, label=name)
            if test_metrics and name in test_metrics:
                bottom.axhline(test_metrics[name], linestyle="--", color=color, linewidth=1)
        bottom.set_ylim(0, 1)
        bottom.set_ylabel("on labelled records")
        bottom.set_title("Performance over time (dashed: test figures)")
        bottom.legend(fontsize=8)
        _date_axis(bottom)
    _save(figure, path)
