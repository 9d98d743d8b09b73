"""A seeded generator of card transactions with realistic fraud patterns.

Fraud is drawn from a logistic model of known risk patterns (large night-time amounts abroad,
new cards, velocity bursts, risky merchant categories, far from home online) plus noise, with
the intercept solved so that the overall rate matches ``fraud_rate``. A drift profile shifts
distributions and the fraud pattern from a given date on, for monitoring demos and tests.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from fraudops.config import DriftProfile, Generator

MERCHANTS = {
    # category: (share, log-mean amount, log-sd amount, risk)
    "grocery": (0.24, 3.4, 0.6, 0.0),
    "restaurant": (0.16, 3.3, 0.5, 0.0),
    "fuel": (0.10, 3.7, 0.3, 0.2),
    "pharmacy": (0.06, 3.1, 0.6, 0.0),
    "apparel": (0.09, 4.1, 0.7, 0.3),
    "online_retail": (0.14, 3.9, 0.9, 0.6),
    "travel": (0.06, 5.6, 0.8, 0.7),
    "electronics": (0.07, 5.0, 0.9, 1.2),
    "jewelry": (0.02, 5.5, 0.9, 1.5),
    "gambling": (0.03, 4.3, 1.0, 1.6),
    "crypto_exchange": (0.03, 5.2, 1.1, 1.8),
}
RISKY_MERCHANTS = ("electronics", "jewelry", "gambling", "crypto_exchange")
COUNTRIES = {
    "US": 0.86,
    "CA": 0.03,
    "MX": 0.02,
    "GB": 0.02,
    "DE": 0.015,
    "FR": 0.015,
    "BR": 0.01,
    "NG": 0.005,
    "RU": 0.005,
    "CN": 0.01,
}
HIGH_RISK_COUNTRIES = ("NG", "RU", "BR")
HOME_COUNTRY = "US"
# How strongly the patterns drive fraud against the noise: learnable, not trivial.
SIGNAL = 1.7
DEVICES_ONLINE = {"mobile": 0.6, "desktop": 0.32, "tablet": 0.08}

NUMERIC = [
    "amount",
    "card_age_days",
    "customer_tenure_days",
    "tx_count_1h",
    "tx_count_24h",
    "distance_from_home_km",
    "hour_of_day",
]
CATEGORICAL = ["merchant_category", "channel", "country", "device_type"]


def _choice(rng: np.random.Generator, options: dict[str, float], size: int) -> np.ndarray:
    names = np.array(list(options))
    weights = np.array(list(options.values()), dtype=float)
    return rng.choice(names, size=size, p=weights / weights.sum())


def _timestamps(rng: np.random.Generator, cfg: Generator, n: int) -> np.ndarray:
    start = pd.Timestamp(cfg.start)
    days = (pd.Timestamp(cfg.end) - start).days + 1
    day = rng.integers(0, days, size=n)
    # Spending peaks at midday and early evening; few transactions at night.
    hour_weights = np.array(
        [2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 7, 8, 9, 8, 7, 7, 8, 9, 9, 8, 7, 5, 4, 3], dtype=float
    )
    hour = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
    seconds = rng.integers(0, 3600, size=n)
    stamps = start.to_datetime64() + (day * 86_400 + hour * 3600 + seconds).astype("timedelta64[s]")
    return np.sort(stamps)


def _risk_score(frame: pd.DataFrame, fraud_pattern: np.ndarray) -> np.ndarray:
    """Log-odds contribution of each known fraud pattern (before the intercept)."""
    night = frame["hour_of_day"].between(0, 5).to_numpy()
    abroad = (frame["country"] != HOME_COUNTRY).to_numpy()
    amount = frame["amount"].to_numpy()
    log_amount = np.log1p(amount)
    online = (frame["channel"] == "online").to_numpy()
    risk = np.array([MERCHANTS[m][3] for m in MERCHANTS])
    merchant_risk = pd.Series(risk, index=list(MERCHANTS)).reindex(frame["merchant_category"])
    score = (
        1.6 * (night & abroad & (amount > 250))
        + 0.9 * night
        + 0.8 * abroad
        + 0.7 * frame["country"].isin(HIGH_RISK_COUNTRIES).to_numpy()
        + 1.4 * (frame["card_age_days"].to_numpy() < 30)
        + 0.55 * np.clip(frame["tx_count_1h"].to_numpy() - 2, 0, 6)
        + 0.08 * np.clip(frame["tx_count_24h"].to_numpy() - 8, 0, 20)
        + merchant_risk.to_numpy()
        + 0.35 * (log_amount - 4.0)
        + 0.6 * (online & (frame["distance_from_home_km"].to_numpy() > 500))
        - 0.5 * (frame["customer_tenure_days"].to_numpy() > 1500)
    )
    # A changed pattern: fraud moves to small in-store amounts that the old model rates safe.
    low_in_store = (~online) & (amount < 60)
    score = SIGNAL * score
    return np.where(
        fraud_pattern, SIGNAL * (3.2 * low_in_store - 0.6 * (log_amount - 4.0) + 0.5 * night), score
    )


def _solve_intercept(score: np.ndarray, noise: np.ndarray, rate: float) -> float:
    """Bisect the intercept so that the mean fraud probability equals ``rate``."""
    low, high = -30.0, 10.0
    for _ in range(60):
        mid = (low + high) / 2
        mean = np.mean(1 / (1 + np.exp(-(mid + score + noise))))
        low, high = (mid, high) if mean < rate else (low, mid)
    return (low + high) / 2


def _draw_features(
    rng: np.random.Generator,
    n: int,
    stamps: np.ndarray,
    drifted: np.ndarray,
    drift: DriftProfile | None,
) -> pd.DataFrame:
    merchant_shares = {m: v[0] for m, v in MERCHANTS.items()}
    merchant = _choice(rng, merchant_shares, n)
    # Drift draws are made whether or not drift is on, so the period before the drift start
    # is identical to the undrifted data for the same seed.
    swap_draw = rng.random(n)
    risky_pick = rng.choice(np.array(RISKY_MERCHANTS), size=n)
    foreign_draw = rng.random(n)
    abroad = {k: v for k, v in COUNTRIES.items() if k != HOME_COUNTRY}
    foreign_pick = _choice(rng, abroad, n)
    if drift is not None:
        swap = drifted & (swap_draw < drift.risky_merchant_share)
        merchant = np.where(swap, risky_pick, merchant)
    mu = np.array([MERCHANTS[m][1] for m in merchant])
    sd = np.array([MERCHANTS[m][2] for m in merchant])
    amount = np.round(np.exp(rng.normal(mu, sd)), 2)
    if drift is not None:
        amount = np.where(drifted, np.round(amount * drift.amount_scale, 2), amount)
    online_bias = np.isin(merchant, ["online_retail", "crypto_exchange", "gambling", "travel"])
    channel = np.where(rng.random(n) < np.where(online_bias, 0.85, 0.15), "online", "in_store")
    country = _choice(rng, COUNTRIES, n)
    if drift is not None and drift.foreign_share is not None:
        country = np.where(drifted & (foreign_draw < drift.foreign_share), foreign_pick, country)
    device = np.where(channel == "online", _choice(rng, DEVICES_ONLINE, n), "pos_terminal")
    hours = pd.DatetimeIndex(stamps).hour.to_numpy()
    tenure = np.round(rng.gamma(2.0, 600.0, size=n)).astype(int)
    card_age = np.minimum(np.round(rng.exponential(420.0, size=n)).astype(int), tenure + 30)
    burst = rng.random(n) < 0.03
    tx_1h = rng.poisson(0.4, size=n) + burst * rng.integers(3, 9, size=n)
    tx_24h = tx_1h + rng.poisson(3.0, size=n) + burst * rng.integers(2, 12, size=n)
    home = rng.exponential(12.0, size=n)
    distance = np.where(country == HOME_COUNTRY, home, 1500 + rng.exponential(2500.0, size=n))
    return pd.DataFrame(
        {
            "amount": amount,
            "card_age_days": card_age,
            "customer_tenure_days": tenure,
            "tx_count_1h": tx_1h.astype(int),
            "tx_count_24h": tx_24h.astype(int),
            "distance_from_home_km": np.round(distance, 1),
            "hour_of_day": hours.astype(int),
            "merchant_category": merchant,
            "channel": channel,
            "country": country,
            "device_type": device,
        }
    )


def generate_transactions(cfg: Generator) -> pd.DataFrame:
    """Return ``cfg.rows`` transactions sorted by time, with an ``is_fraud`` label."""
    rng = np.random.default_rng(cfg.seed)
    n = cfg.rows
    stamps = _timestamps(rng, cfg, n)
    drift = cfg.drift
    drifted = (stamps >= np.datetime64(drift.start)) if drift is not None else np.zeros(n, bool)
    features = _draw_features(rng, n, stamps, drifted, drift)
    changed = drifted & (drift is not None and drift.fraud_pattern == "low_amount_in_store")
    score = _risk_score(features, changed)
    noise = rng.normal(0.0, 0.6, size=n)
    intercept = _solve_intercept(score, noise, cfg.fraud_rate)
    probability = 1 / (1 + np.exp(-(intercept + score + noise)))
    label = rng.random(n) < probability
    flip = rng.random(n) < cfg.label_noise * cfg.fraud_rate
    label = np.where(flip, ~label, label)
    frame = pd.DataFrame(
        {
            "transaction_id": [f"tx_{i:09d}" for i in range(n)],
            "timestamp": pd.to_datetime(stamps).astype("datetime64[ns]"),
        }
    )
    frame = pd.concat([frame, features], axis=1)
    frame["is_fraud"] = label.astype(int)
    return frame


def generate_period(
    cfg: Generator, start: dt.date, end: dt.date, rows: int, seed_offset: int = 1
) -> pd.DataFrame:
    """Transactions for another period from the same generator (traffic for monitoring)."""
    other = cfg.model_copy(
        update={"start": start, "end": end, "rows": rows, "seed": cfg.seed + seed_offset}
    )
    return generate_transactions(other)
