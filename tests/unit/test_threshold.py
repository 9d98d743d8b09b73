"""Threshold selection by business objective."""

from __future__ import annotations

import numpy as np

from fraudops.config import Threshold
from fraudops.core.threshold import choose_threshold, confusion_by_threshold


def test_confusion_by_threshold__counts() -> None:
    y = np.array([1, 0, 1, 0])
    s = np.array([0.9, 0.8, 0.3, 0.1])
    thresholds, tp, fp, fn = confusion_by_threshold(y, s)
    assert thresholds.tolist() == [0.9, 0.8, 0.3, 0.1]
    assert tp.tolist() == [1, 1, 2, 2]
    assert fp.tolist() == [0, 1, 1, 2]
    assert fn.tolist() == [1, 1, 0, 0]


def test_choose_threshold__min_cost_weighs_missed_fraud() -> None:
    y = np.array([1, 0, 1, 0, 0])
    s = np.array([0.9, 0.8, 0.3, 0.2, 0.1])
    cheap_alarm = choose_threshold(y, s, Threshold(cost_missed_fraud=100, cost_false_alarm=1))
    costly_alarm = choose_threshold(y, s, Threshold(cost_missed_fraud=1, cost_false_alarm=100))
    assert cheap_alarm.threshold == 0.3  # catch both frauds, accept one false alarm
    assert costly_alarm.threshold == 0.9  # no false alarms at all


def test_choose_threshold__can_flag_nothing() -> None:
    y = np.array([0, 0, 1])
    s = np.array([0.9, 0.8, 0.1])
    choice = choose_threshold(y, s, Threshold(cost_missed_fraud=1, cost_false_alarm=50))
    assert choice.threshold == 1.0


def test_choose_threshold__max_recall_at_precision() -> None:
    y = np.array([1, 1, 0, 1, 0, 0])
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    choice = choose_threshold(
        y, s, Threshold(objective="max_recall_at_precision", min_precision=0.75)
    )
    assert choice.threshold == 0.6
    assert choice.value == 1.0
