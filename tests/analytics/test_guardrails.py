"""Guardrails of an A/B test: validated limits, measured from its jobs, a breach marks the test and opens an
alert."""

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from analytics.abtests.guardrails import guardrails_check
from analytics.abtests.results import ab_test_results
from analytics.abtests.services import ab_test_refresh_results
from analytics.models import Alert
from tests.factories import ABTestPairFactory, PromptABTestFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value, key, message", [
    ({"clip_score_drop": 101}, "guardrails.clip_score_drop", "A number from 0 to 100."),
    ({"vibes": 1}, "guardrails.vibes", "Unknown guardrail"),
    ({"success_rate_drop": 101}, "guardrails.success_rate_drop", "A number from 0 to 100."),
    ({"time_increase_pct": True}, "guardrails.time_increase_pct", "A number from 0 to 1000."),
    ({"time_increase_pct": "fast"}, "guardrails.time_increase_pct", "A number"),
    ([5], "guardrails", "Give an object"),
])
def test_bad_guardrails_are_named(value, key, message):
    with pytest.raises(ValidationError) as caught:
        guardrails_check(value)

    assert key in caught.value.message_dict and message in caught.value.message_dict[key][0]


def _test_with_jobs(guardrails):
    test = PromptABTestFactory(status="running", planned_pairs=6, guardrails=guardrails)
    base_times, enhanced_times = [1000, 1200, 1100, 900, 1000, 1300], [1500, 1400, 1600, 1500, 1450, 1550]
    for index in range(6):
        failed = index < 2  # the enhanced arm fails twice, the baseline never
        ABTestPairFactory(
            ab_test=test, position=index,
            baseline_job__status="completed", baseline_job__inference_time_ms=base_times[index],
            enhanced_job__status="failed" if failed else "completed",
            enhanced_job__failure_reason="timeout" if failed else "",
            enhanced_job__inference_time_ms=None if failed else enhanced_times[index])
    return test, np.mean(base_times), np.mean(enhanced_times[2:])


def test_guardrails_are_measured_from_the_jobs():
    test, base_ms, enhanced_ms = _test_with_jobs({"success_rate_drop": 10, "time_increase_pct": 60})

    rows = {row["metric"]: row for row in ab_test_results(test).guardrails}

    assert rows["success_rate_drop"]["value"] == pytest.approx((1 - 4 / 6) * 100)
    assert rows["success_rate_drop"]["breached"] is True
    assert rows["time_increase_pct"]["value"] == pytest.approx((enhanced_ms / base_ms - 1) * 100)
    assert rows["time_increase_pct"]["breached"] is False  # about +44% against a limit of 60%


def test_a_breach_marks_the_test_and_opens_its_alert(default_rules, django_capture_on_commit_callbacks):
    test, _base, _enhanced = _test_with_jobs({"success_rate_drop": 10})

    with django_capture_on_commit_callbacks(execute=True):
        refreshed = ab_test_refresh_results(ab_test=test)

    alert = Alert.objects.get(subject_type="ab_test", subject_key=str(test.pk))
    assert refreshed.guardrail_breached is True
    assert (alert.rule.name, alert.severity, alert.status) == ("A/B guardrail breach", "high", "open")
    assert "1 of 1 guardrails crossed (success-rate drop (points) 33.3 over the limit 10.0)" in alert.message


def test_a_test_within_its_guardrails_opens_nothing(default_rules, django_capture_on_commit_callbacks):
    test, _base, _enhanced = _test_with_jobs({"success_rate_drop": 50, "time_increase_pct": 60})

    with django_capture_on_commit_callbacks(execute=True):
        refreshed = ab_test_refresh_results(ab_test=test)

    assert refreshed.guardrail_breached is False and not Alert.objects.filter(subject_type="ab_test").exists()


def test_the_api_takes_guardrails_and_names_a_bad_one(api):
    body = {"test_name": "Guarded", "test_series": "guarded", "model_type": "SDXL",
            "baseline": {"enhancement_strategy": "none"}, "enhanced": {"enhancement_strategy": "qwen"},
            "prompts": ["a red fox"], "target_lift": "1.00", "alpha": "0.05", "power": "0.8", "sd_difference": "1.0"}

    made = api.post("/api/ab-tests/", {**body, "guardrails": {"success_rate_drop": 5}}, format="json")
    clip = api.post("/api/ab-tests/", {**body, "test_name": "Clip", "guardrails": {"clip_score_drop": 1}},
                    format="json")
    refused = api.post("/api/ab-tests/", {**body, "test_name": "Bad", "guardrails": {"clip_score_drop": -1}},
                       format="json")

    assert made.status_code == 201 and made.json()["guardrails"] == {"success_rate_drop": 5.0}
    assert clip.status_code == 201 and clip.json()["guardrails"] == {"clip_score_drop": 1.0}
    assert refused.status_code == 400 and "clip_score_drop" in refused.json()["guardrails"]


def test_the_clip_guardrail_and_the_clip_metric_come_from_the_jobs_clip_scores():
    from scipy import stats

    test = PromptABTestFactory(status="running", planned_pairs=4, guardrails={"clip_score_drop": 1.5})
    base, enhanced = [30.0, 28.0, 31.0, 29.5], [27.0, 27.5, 29.0, None]  # one enhanced output not scored
    for index, (a, b) in enumerate(zip(base, enhanced, strict=True)):
        ABTestPairFactory(ab_test=test, position=index, baseline_job__status="completed",
                          baseline_job__clip_score=a, enhanced_job__status="completed", enhanced_job__clip_score=b)

    results = ab_test_results(test)

    (row,) = results.guardrails
    assert row["value"] == pytest.approx(np.mean(base) - np.mean(enhanced[:3]))
    assert row["breached"] is True and test.guardrails == {"clip_score_drop": 1.5}
    paired = stats.ttest_rel(enhanced[:3], base[:3])
    assert results.clip_pairs == 3 and results.clip_difference == pytest.approx(np.mean(np.subtract(enhanced[:3],
                                                                                                      base[:3])))
    assert abs(results.clip_p - paired.pvalue) < 1e-9
    assert (results.baseline.clip_scored, results.enhanced.clip_scored) == (4, 3)
    assert results.variants[0]["clip_difference"] == results.clip_difference
