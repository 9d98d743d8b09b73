"""What a feature value must be for the model to score it, defined once.

A number must be finite and inside its feature's allowed range; a category must be one the model
was trained with. The data gate (before a model exists), the contract check of batch rows, the
export's parity sample and the served request schema all ask this module, so the four can never
disagree about a value.

The allowed range is declared, not learned: values outside the range seen in training are valid
inputs and a matter for drift monitoring.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

# Every numeric feature of the card-fraud example is an amount, a count, an age or a distance.
DEFAULT_LOWER_BOUND = 0.0


@dataclasses.dataclass(frozen=True)
class NumericRange:
    """The allowed values of a numeric feature: finite, and within ``[lower, upper]`` where a
    bound is given."""

    lower: float | None = None
    upper: float | None = None

    def accepts(self, values: np.ndarray) -> np.ndarray:
        """True where a value is allowed (a fast vector check; NaN is not allowed)."""
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(values)
            if self.lower is not None:
                ok &= values >= self.lower
            if self.upper is not None:
                ok &= values <= self.upper
        return ok

    def problems(self, values: pd.Series) -> pd.Series:
        """Why each non-missing value is not allowed ("" where it is): not a number, not
        finite, below or above the range."""
        numbers = pd.to_numeric(values, errors="coerce").astype(float)
        reasons = pd.Series("", index=values.index, dtype=object)
        present = values.notna()
        reasons[present & numbers.isna()] = "not a number"
        reasons[numbers.notna() & ~np.isfinite(numbers)] = "not finite"
        finite = np.isfinite(numbers)
        if self.lower is not None:
            reasons[finite & (numbers < self.lower)] = f"below {self.lower:g}"
        if self.upper is not None:
            reasons[finite & (numbers > self.upper)] = f"above {self.upper:g}"
        return reasons

    def describe(self) -> str:
        """The rule in words, for messages and the OpenAPI page."""
        if self.lower is not None and self.upper is not None:
            return f"a finite number from {self.lower:g} to {self.upper:g}"
        if self.lower is not None:
            return f"a finite number >= {self.lower:g}"
        if self.upper is not None:
            return f"a finite number <= {self.upper:g}"
        return "any finite number"


def known_category(values: pd.Series, categories: list[str] | None) -> np.ndarray:
    """True where a value is one of ``categories``, compared as text (so a category read as
    the number 7 from a CSV is the category "7")."""
    allowed = list(categories or [])
    ok = values.isin(allowed).to_numpy()
    retry = ~ok & values.notna().to_numpy()
    if retry.any():  # only values that are not already text of the right kind are converted
        ok[retry] = values[retry].astype(str).isin(allowed).to_numpy()
    return ok
