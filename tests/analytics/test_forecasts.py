"""Forecasts: the figures equal statsmodels' ETSModel fitted directly on the same daily series."""

import math
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from analytics.forecasts import METHOD_SEASONAL, METHOD_TREND, forecast
from tests.factories import ModelPerformanceLogFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)
API = "/api/analytics/forecast"


def _seed(days: int, *, skip=(), model="SDXL", seed=3) -> dict[date, tuple[int, int]]:
    """``days`` complete days before TODAY with a weekly pattern; the offsets in ``skip`` have no row."""
    rng, rows = np.random.default_rng(seed), {}
    for back in range(1, days + 1):
        if back in skip:
            continue
        day = TODAY - timedelta(days=back)
        total = int(40 + 12 * math.sin(back * 2 * math.pi / 7) + rng.integers(0, 8))
        successful = total - int(rng.integers(0, 6))
        ModelPerformanceLogFactory(model_type=model, date=day, total_generations=total,
                                   successful_generations=successful, failed_generations=total - successful)
        rows[day] = (successful, total - successful)
    return rows


def _direct(values: list[float], steps: int, **options) -> pd.DataFrame:
    index = pd.date_range(TODAY - timedelta(days=len(values)), periods=len(values), freq="D")
    result = ETSModel(pd.Series(values, index=index), error="add", trend="add", damped_trend=True,
                      **options).fit(disp=False)
    return result.get_prediction(start=len(values), end=len(values) + steps - 1).summary_frame(alpha=0.2)


def _expected(rows: dict, length: int, steps: int, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Volume and logit-rate forecasts computed here: a missing day is 0 generations, its logit interpolated."""
    days = [TODAY - timedelta(days=back) for back in range(length, 0, -1)]
    successful = np.array([rows.get(day, (0, 0))[0] for day in days], dtype=float)
    failed = np.array([rows.get(day, (0, 0))[1] for day in days], dtype=float)
    logits = pd.Series([math.log((s + 0.5) / (f + 0.5)) if s + f else np.nan for s, f in zip(successful, failed)])
    return (_direct(list(successful + failed), steps, **options),
            _direct(list(logits.interpolate(limit_direction="both")), steps, **options))


def _expit(value: float) -> float:
    return 1 / (1 + math.exp(-value))


def test_seasonal_forecast_equals_statsmodels_on_the_same_series():
    rows = _seed(35, skip=(4, 20))

    result = forecast("SDXL", days=14, history_days=90, today=TODAY)

    volume, rate = _expected(rows, 35, 14, seasonal="add", seasonal_periods=7, initialization_method="heuristic")
    assert (result.message, result.method, result.history_days) == (None, METHOD_SEASONAL, 35)
    assert (result.history_since, result.history_until) == (TODAY - timedelta(days=35), TODAY - timedelta(days=1))
    assert [day.date for day in result.days] == [TODAY + timedelta(days=n) for n in range(14)]
    assert result.notes == ["success rate: 2 days without generations interpolated"]
    for n, day in enumerate(result.days):
        assert day.volume == pytest.approx(max(0.0, volume["mean"].iloc[n]), abs=1e-9)
        assert day.volume_low == pytest.approx(max(0.0, volume["pi_lower"].iloc[n]), abs=1e-9)
        assert day.volume_high == pytest.approx(max(0.0, volume["pi_upper"].iloc[n]), abs=1e-9)
        assert day.success_rate == pytest.approx(_expit(rate["mean"].iloc[n]), abs=1e-9)
        assert day.success_rate_low == pytest.approx(_expit(rate["pi_lower"].iloc[n]), abs=1e-9)
        assert day.success_rate_high == pytest.approx(_expit(rate["pi_upper"].iloc[n]), abs=1e-9)


def test_short_history_uses_the_damped_trend_without_seasonality():
    rows = _seed(10)

    result = forecast("SDXL", days=5, today=TODAY)

    volume, rate = _expected(rows, 10, 5, initialization_method="estimated")
    assert result.method == METHOD_TREND
    assert [day.volume for day in result.days] == pytest.approx([max(0.0, v) for v in volume["mean"]], abs=1e-9)
    assert [day.success_rate for day in result.days] == pytest.approx([_expit(v) for v in rate["mean"]], abs=1e-9)


def test_every_interval_contains_its_point_and_rates_stay_between_0_and_1():
    _seed(60, skip=(1, 2, 30))

    days = forecast("SDXL", days=30, today=TODAY).days

    assert len(days) == 30
    assert all(d.volume_low <= d.volume <= d.volume_high and d.volume_low >= 0 for d in days)
    assert all(0 <= d.success_rate_low <= d.success_rate <= d.success_rate_high <= 1 for d in days)


def test_history_starts_at_the_first_day_with_generations_and_respects_history_days():
    _seed(50)

    assert forecast("SDXL", history_days=20, today=TODAY).history_days == 20
    assert forecast("SDXL", history_days=90, today=TODAY).history_days == 50


def test_too_little_history_says_so_instead_of_forecasting():
    _seed(3)
    _seed(1, model="WAN")

    sdxl, wan = forecast("SDXL", today=TODAY), forecast("WAN", today=TODAY)
    none = forecast("SDXL", today=TODAY - timedelta(days=30))

    assert (sdxl.message, sdxl.days, sdxl.method) == ("not enough history: 3 days, needs 7", [], None)
    assert wan.message == "not enough history: 1 day, needs 7"
    assert none.message == "not enough history: 0 days, needs 7"


def test_a_constant_history_forecasts_itself_with_a_zero_width_interval():
    for back in range(1, 15):
        ModelPerformanceLogFactory(date=TODAY - timedelta(days=back), total_generations=10,
                                   successful_generations=10, failed_generations=0)

    day = forecast("SDXL", days=3, today=TODAY).days[0]

    assert (day.volume, day.volume_low, day.volume_high) == (10.0, 10.0, 10.0)
    assert day.success_rate == day.success_rate_low == day.success_rate_high == pytest.approx(10.5 / 11, abs=1e-12)


def test_api_returns_the_forecast(api, monkeypatch):
    monkeypatch.setattr("analytics.forecasts.utc_today", lambda: TODAY)
    _seed(21)

    response = api.get(API, {"model_type": "SDXL", "days": 3})

    body = response.json()
    expected = forecast("SDXL", days=3, today=TODAY)
    assert response.status_code == 200
    assert (body["model_type"], body["method"], body["message"], body["history_days"]) == (
        "SDXL", METHOD_SEASONAL, None, 21)
    assert [row["date"] for row in body["days"]] == ["2026-12-07", "2026-12-08", "2026-12-09"]
    assert [row["volume"] for row in body["days"]] == pytest.approx([d.volume for d in expected.days], abs=1e-9)


def test_api_without_enough_history_answers_the_message(api, monkeypatch):
    monkeypatch.setattr("analytics.forecasts.utc_today", lambda: TODAY)

    body = api.get(API, {"model_type": "WAN"}).json()

    assert (body["message"], body["days"], body["method"]) == ("not enough history: 0 days, needs 7", [], None)


@pytest.mark.parametrize(("params", "field", "message"), [
    ({}, "model_type", "Give model_type: one of SDXL, WAN."),
    ({"model_type": "sdxl"}, "model_type", 'model_type must be one of SDXL, WAN, not "sdxl".'),
    ({"model_type": "SDXL", "days": "0"}, "days", "days must be at least 1."),
    ({"model_type": "SDXL", "days": "61"}, "days", "days must be at most 60."),
    ({"model_type": "SDXL", "days": "two"}, "days", "days must be a whole number."),
    ({"model_type": "SDXL", "history_days": "6"}, "history_days", "history_days must be at least 7."),
    ({"model_type": "SDXL", "history_days": "400"}, "history_days", "history_days must be at most 366."),
])
def test_api_names_the_bad_parameter(api, params, field, message):
    response = api.get(API, params)

    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_api_needs_the_rollup_view_permission(client):
    client.force_login(UserFactory(username="nobody"))

    assert client.get(API, {"model_type": "SDXL"}).status_code == 403


def test_admin_page_names_the_method_and_writes_every_figure(admin_client, monkeypatch):
    monkeypatch.setattr("analytics.forecasts.utc_today", lambda: TODAY)
    _seed(25)

    response = admin_client.get(reverse("admin:analytics_forecasts"), {"days": "7"})

    html = response.content.decode()
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert response.status_code == 200
    assert "Holt-Winters exponential smoothing, ETS(A,Ad,A)" in html and "not enough history: 0 days" in html
    assert len(cells) == 7 * 4 and all(re.fullmatch(r"[\d,]+\.\d( – [\d,]+\.\d)?|[\d.]+%( – [\d.]+%)?", c)
                                       for c in cells), cells
    assert "2026-12-13" in html and "2026-12-14" not in html


def test_admin_page_explains_a_bad_parameter(admin_client):
    response = admin_client.get(reverse("admin:analytics_forecasts"), {"days": "0"})

    assert response.status_code == 200 and "days must be at least 1." in response.content.decode()


def test_admin_index_links_the_forecast_and_report_pages(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:analytics_forecasts") in html and reverse("admin:analytics_reports") in html
