"""Forecasts of each model's daily volume and success rate, from the ``model_performance_logs`` rollup.

Exponential smoothing in its state-space form (statsmodels' ``ETSModel``: additive errors, a damped
additive trend, weekly additive seasonality once there are three full weeks of history), fitted by
maximum likelihood to the complete UTC days before today, with the exact 80% prediction intervals of
the linear model. See docs/metrics.md, "Forecasts".

- **Volume** = ``total_generations`` per day (completed + failed); a day without a row is 0. The point
  and the interval are clipped at 0.
- **Success rate** is modelled on the empirical logit ``log((successful + ½) / (failed + ½))`` of each day
  with generations (finite at 0% and 100%); days without generations are filled by linear interpolation
  of their neighbours. The forecast and both bounds go back through the logistic function, so they lie
  in [0, 1] and the point is the median of the forecast distribution on the rate scale.
"""

import math
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from analytics.dashboards.common import utc_today
from analytics.models import ModelPerformanceLog
from ourvidz_admin.choices import ModelType

MIN_HISTORY_DAYS = 7
SEASONAL_MIN_DAYS = 21  # three full weeks: the heuristic initial states of a weekly season need 16 points or more
SEASON = 7
DEFAULT_DAYS, MAX_DAYS = 14, 60
DEFAULT_HISTORY_DAYS, MAX_HISTORY_DAYS = 90, 366
LEVEL = 0.80

METHOD_SEASONAL = (
    "Holt-Winters exponential smoothing, ETS(A,Ad,A): additive errors, damped additive trend, weekly "
    "additive seasonality (statsmodels ETSModel, maximum likelihood, heuristic initial states); exact 80% "
    "prediction intervals. Success rate modelled on the daily empirical logit."
)
METHOD_TREND = (
    "Holt's damped-trend exponential smoothing, ETS(A,Ad,N): additive errors, damped additive trend, no "
    "seasonality (fewer than 21 days of history; statsmodels ETSModel, maximum likelihood, estimated "
    "initial states); exact 80% prediction intervals. Success rate modelled on the daily empirical logit."
)


@dataclass(frozen=True)
class ForecastDay:
    """One future UTC day: volume (generations) and success rate (0-1), each with its 80% interval."""

    date: date
    volume: float
    volume_low: float
    volume_high: float
    success_rate: float | None
    success_rate_low: float | None
    success_rate_high: float | None


@dataclass
class ModelForecast:
    """The forecast of one model, or ``message`` saying why there is none."""

    model_type: str
    history_since: date | None
    history_until: date
    history_days: int
    method: str | None = None
    message: str | None = None
    notes: list[str] = field(default_factory=list)
    days: list[ForecastDay] = field(default_factory=list)


def ets_options(history_days: int) -> tuple[dict, dict]:
    """``(ETSModel keyword arguments, fit keyword arguments)`` for a series of ``history_days`` points."""
    options = {"error": "add", "trend": "add", "damped_trend": True}
    if history_days >= SEASONAL_MIN_DAYS:
        options |= {"seasonal": "add", "seasonal_periods": SEASON, "initialization_method": "heuristic"}
    else:
        options |= {"initialization_method": "estimated"}
    return options, {"disp": False}


def ets_forecast(series: pd.Series, steps: int) -> pd.DataFrame:
    """``mean``, ``pi_lower``, ``pi_upper`` for the ``steps`` days after ``series`` (80% intervals).

    A constant series (every day the same) has no variance to fit: its forecast is that value, flat,
    with an interval of zero width.
    """
    if np.ptp(series.to_numpy()) == 0:
        value = float(series.iloc[0])
        return pd.DataFrame({"mean": value, "pi_lower": value, "pi_upper": value}, index=range(steps))
    options, fit_options = ets_options(len(series))
    with warnings.catch_warnings():
        # Optimiser chatter (a bound reached, a slow convergence) is not the reader's business.
        warnings.simplefilter("ignore")
        result = ETSModel(series, **options).fit(**fit_options)
        frame = result.get_prediction(start=len(series), end=len(series) + steps - 1).summary_frame(alpha=1 - LEVEL)
    return frame[["mean", "pi_lower", "pi_upper"]].reset_index(drop=True)


def empirical_logit(successful: np.ndarray, failed: np.ndarray) -> np.ndarray:
    """``log((s + ½) / (f + ½))`` per day; NaN where the day had no generations."""
    values = np.log((successful + 0.5) / (failed + 0.5))
    return np.where(successful + failed > 0, values, np.nan)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _expit(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def daily_history(model_type: str, since: date, until: date) -> pd.DataFrame:
    """``successful`` and ``failed`` per UTC day ``since``..``until`` (every day; 0 where there is no row)."""
    rows = (ModelPerformanceLog.objects.filter(model_type=model_type, date__gte=since, date__lte=until)
            .values_list("date", "successful_generations", "failed_generations"))
    index = pd.date_range(since, until, freq="D")
    frame = pd.DataFrame({"successful": 0, "failed": 0}, index=index, dtype=float)
    for day, successful, failed in rows:
        frame.loc[pd.Timestamp(day)] = (successful, failed)
    return frame


def _first_day_with_volume(model_type: str, since: date, until: date) -> date | None:
    return (ModelPerformanceLog.objects.filter(model_type=model_type, date__gte=since, date__lte=until)
            .filter(total_generations__gt=0).order_by("date").values_list("date", flat=True).first())


def forecast(model_type: str, *, days: int = DEFAULT_DAYS, history_days: int = DEFAULT_HISTORY_DAYS,
             today: date | None = None) -> ModelForecast:
    """The next ``days`` UTC days (today first) of ``model_type``'s volume and success rate.

    History: the complete days before today, at most ``history_days`` of them, from the model's first
    day with generations; a missing day counts 0. Fewer than 7 such days: no forecast, and ``message``
    says so ("not enough history: 3 days, needs 7").
    """
    today = today or utc_today()
    until = today - timedelta(days=1)
    first = _first_day_with_volume(model_type, today - timedelta(days=history_days), until)
    length = (until - first).days + 1 if first else 0
    result = ModelForecast(model_type=model_type, history_since=first, history_until=until, history_days=length)
    if length < MIN_HISTORY_DAYS:
        result.message = f"not enough history: {_days(length)}, needs {MIN_HISTORY_DAYS}"
        return result
    history = daily_history(model_type, first, until)
    result.method = METHOD_SEASONAL if length >= SEASONAL_MIN_DAYS else METHOD_TREND
    volume = ets_forecast(history["successful"] + history["failed"], days)
    rate = _rate_forecast(history, days, result.notes)
    result.days = [_day(today + timedelta(days=n), volume.iloc[n], None if rate is None else rate.iloc[n])
                   for n in range(days)]
    return result


def _day(day: date, volume: pd.Series, logit: pd.Series | None) -> ForecastDay:
    rates = (None, None, None) if logit is None else (
        _expit(logit["mean"]), _expit(logit["pi_lower"]), _expit(logit["pi_upper"]))
    return ForecastDay(date=day, volume=max(0.0, float(volume["mean"])), volume_low=max(0.0, float(volume["pi_lower"])),
                       volume_high=max(0.0, float(volume["pi_upper"])), success_rate=rates[0],
                       success_rate_low=rates[1], success_rate_high=rates[2])


def _rate_forecast(history: pd.DataFrame, days: int, notes: list[str]) -> pd.DataFrame | None:
    """The logit-scale forecast of the success rate; None (with a note) with under 7 days of generations."""
    logits = pd.Series(empirical_logit(history["successful"].to_numpy(), history["failed"].to_numpy()),
                       index=history.index)
    observed = int(logits.notna().sum())
    if observed < MIN_HISTORY_DAYS:
        notes.append(f"success rate: not enough days with generations: {_days(observed)}, needs {MIN_HISTORY_DAYS}")
        return None
    if observed < len(logits):
        notes.append(f"success rate: {_days(len(logits) - observed)} without generations interpolated")
    return ets_forecast(logits.interpolate(method="linear", limit_direction="both"), days)


def forecast_all(*, days: int = DEFAULT_DAYS, history_days: int = DEFAULT_HISTORY_DAYS,
                 today: date | None = None) -> list[ModelForecast]:
    """``forecast`` for every model type, in the choices' order."""
    return [forecast(model, days=days, history_days=history_days, today=today) for model in ModelType.values]
