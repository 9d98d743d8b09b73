"""The one door to Deepchecks: its telemetry is switched off before its first import.

Deepchecks phones its vendor on import unless DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY is set, and
reads the variable only then, so nothing in this project imports it at module level: every use
goes through ``deepchecks_module``.
"""

from __future__ import annotations

import importlib
import os
import types
import warnings

from fraudops.environment import quiet_third_parties

TELEMETRY_VARIABLE = "DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY"


def deepchecks_module(name: str = "deepchecks.tabular") -> types.ModuleType:
    """Import a Deepchecks module with its telemetry off (whatever the caller's environment)."""
    quiet_third_parties()
    if not os.environ.get(TELEMETRY_VARIABLE):
        os.environ[TELEMETRY_VARIABLE] = "1"  # an empty value would not switch it off
    with warnings.catch_warnings():
        # Deepchecks imports pkg_resources, which warns on every run; nothing to act on here.
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
        return importlib.import_module(name)
