"""The synthetic transaction generator: deterministic, realistic rate and patterns."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from fraudops.config import DriftProfile, Generator
from fraudops.core.generator import RISKY_MERCHANTS, generate_transactions


def test_generate__same_seed_same_data() -> None:
    cfg = Generator(rows=2000, seed=7)
    pd.testing.assert_frame_equal(generate_transactions(cfg), generate_transactions(cfg))


def test_generate__other_seed_other_data() -> None:
    a = generate_transactions(Generator(rows=2000, seed=1))
    b = generate_transactions(Generator(rows=2000, seed=2))
    assert not a["amount"].equals(b["amount"])


def test_generate__fraud_rate_matches_config() -> None:
    frame = generate_transactions(Generator(rows=60_000, fraud_rate=0.015))
    assert 0.01 <= frame["is_fraud"].mean() <= 0.02


def test_generate__time_range_and_order() -> None:
    cfg = Generator(rows=5000, start=dt.date(2025, 2, 1), end=dt.date(2025, 3, 31))
    stamps = generate_transactions(cfg)["timestamp"]
    assert stamps.is_monotonic_increasing
    assert stamps.min() >= pd.Timestamp("2025-02-01")
    assert stamps.max() < pd.Timestamp("2025-04-01")


def test_generate__fraud_follows_known_patterns() -> None:
    frame = generate_transactions(Generator(rows=80_000))
    rate = frame["is_fraud"].mean()
    assert frame.loc[frame["card_age_days"] < 30, "is_fraud"].mean() > 2 * rate
    assert frame.loc[frame["merchant_category"].isin(RISKY_MERCHANTS), "is_fraud"].mean() > 2 * rate
    assert frame.loc[frame["tx_count_1h"] >= 4, "is_fraud"].mean() > 3 * rate
    night_abroad = frame["hour_of_day"].between(0, 5) & (frame["country"] != "US")
    assert frame.loc[night_abroad, "is_fraud"].mean() > 3 * rate


def test_generate__drift_shifts_the_later_period_only() -> None:
    drift = DriftProfile(start=dt.date(2025, 5, 1), amount_scale=2.0, risky_merchant_share=0.4)
    plain = generate_transactions(Generator(rows=30_000))
    drifted = generate_transactions(Generator(rows=30_000, drift=drift))
    late = plain["timestamp"] >= pd.Timestamp("2025-05-01")
    assert drifted.loc[~late, "amount"].equals(plain.loc[~late, "amount"])
    assert drifted.loc[late, "amount"].median() > 1.5 * plain.loc[late, "amount"].median()
    risky_share = drifted.loc[late, "merchant_category"].isin(RISKY_MERCHANTS).mean()
    assert risky_share > plain.loc[late, "merchant_category"].isin(RISKY_MERCHANTS).mean() + 0.2


def test_generate__changed_fraud_pattern() -> None:
    drift = DriftProfile(start=dt.date(2025, 5, 1), fraud_pattern="low_amount_in_store")
    frame = generate_transactions(Generator(rows=60_000, drift=drift))
    late = frame[frame["timestamp"] >= pd.Timestamp("2025-05-01")]
    small_in_store = (late["channel"] == "in_store") & (late["amount"] < 60)
    assert (
        late.loc[small_in_store, "is_fraud"].mean()
        > 3 * late.loc[~small_in_store, "is_fraud"].mean()
    )
