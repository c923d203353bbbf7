"""User adoption of enhancement (document 000 §2.5 "User Adoption Analytics"), from ``user_enhancement_adoption``.

A *user-day* is one row of that table: one user's jobs created on one UTC day. Quality figures are
means over user-days of the day's own means (the table keeps means, not rating counts), so every
user-day weighs the same. See docs/metrics.md, "User adoption".
"""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from analytics.dashboards.common import DayRange
from analytics.models import UserEnhancementAdoption
from analytics.rollups.buckets import UTC, mean, percent
from ourvidz_admin.choices import EnhancementStrategy

S = EnhancementStrategy
LAST_WEEK_BUCKET = 8  # weeks 8 and later since the first enhanced job are pooled
_COUNTS = {S.QWEN: "qwen_usage_count", S.COMPEL: "compel_usage_count", S.HYBRID: "hybrid_usage_count",
           S.NONE: "no_enhancement_count"}
_QUALITY = {"with": "avg_quality_with_enhancement", "without": "avg_quality_without_enhancement",
            "gain": "avg_quality_improvement"}


def _quality_sums() -> dict:
    aggregates = {}
    for key, column in _QUALITY.items():
        aggregates |= {f"{key}_sum": Sum(column), f"{key}_n": Count(column)}
    return aggregates


def _user_days(days: DayRange):
    return UserEnhancementAdoption.objects.filter(**days.as_filter())


def adoption_summary(*, days: DayRange) -> dict:
    """Users, adoption, per-strategy jobs and users, and quality over the user-days of ``days`` (one query)."""
    totals = _user_days(days).aggregate(
        user_days=Count("pk"), users=Count("user", distinct=True),
        adopters=Count("user", distinct=True, filter=Q(jobs_with_enhancement__gt=0)),
        jobs=Sum("total_jobs"), enhanced=Sum("jobs_with_enhancement"), **_quality_sums(),
        **{f"{s}_jobs": Sum(column) for s, column in _COUNTS.items()},
        **{f"{s}_users": Count("user", distinct=True, filter=Q(**{f"{column}__gt": 0}))
           for s, column in _COUNTS.items()},
    )
    jobs = totals["jobs"] or 0
    return {
        "users": totals["users"], "user_days": totals["user_days"], "jobs": jobs,
        "enhanced_jobs": totals["enhanced"] or 0, "adoption_rate": percent(totals["enhanced"] or 0, jobs),
        "adopters": totals["adopters"], "adopter_rate": percent(totals["adopters"], totals["users"]),
        "strategies": [
            {"strategy": s, "label": S(s).label, "jobs": totals[f"{s}_jobs"] or 0,
             "job_share": percent(totals[f"{s}_jobs"] or 0, jobs), "users": totals[f"{s}_users"]}
            for s in _COUNTS
        ],
        **_quality(totals),
    }


def _quality(t: dict) -> dict:
    return {
        "quality_with": mean(t["with_sum"], t["with_n"]), "quality_with_user_days": t["with_n"],
        "quality_without": mean(t["without_sum"], t["without_n"]), "quality_without_user_days": t["without_n"],
        "quality_gain": mean(t["gain_sum"], t["gain_n"]), "quality_gain_user_days": t["gain_n"],
    }


def adoption_days(*, days: DayRange) -> list[dict]:
    """One row per day of ``days``, newest first: active users, jobs, enhanced jobs, adoption (one query)."""
    found = {row["date"]: row for row in _user_days(days).values("date").annotate(
        users=Count("pk"), jobs=Sum("total_jobs"), enhanced=Sum("jobs_with_enhancement")).order_by()}
    result = []
    for day in days.dates():
        row = found.get(day, {})
        jobs, enhanced = row.get("jobs") or 0, row.get("enhanced") or 0
        result.append({"date": day, "users": row.get("users", 0), "jobs": jobs, "enhanced_jobs": enhanced,
                       "adoption_rate": percent(enhanced, jobs)})
    return result


def _week_label(week: int) -> str:
    if week < 0:
        return "before"
    return f"{LAST_WEEK_BUCKET}+" if week >= LAST_WEEK_BUCKET else str(week)


def adoption_learning(*, days: DayRange) -> list[dict]:
    """The user-days of ``days`` grouped by whole weeks since the user's first enhanced job (UTC days; one query)."""
    grid = (_user_days(days).filter(first_enhancement_date__isnull=False)
            .annotate(first_day=TruncDate("first_enhancement_date", tzinfo=UTC)).values("first_day", "date")
            .annotate(user_days=Count("pk"), jobs=Sum("total_jobs"), enhanced=Sum("jobs_with_enhancement"),
                      **_quality_sums()).order_by())
    buckets = defaultdict(lambda: defaultdict(int))
    for cell in grid:
        week = min((cell["date"] - cell["first_day"]).days // 7, LAST_WEEK_BUCKET)
        for name, value in cell.items():
            if name not in ("first_day", "date"):
                buckets[max(week, -1)][name] += value or 0
    return [
        {"week": _week_label(week), "user_days": b["user_days"], "jobs": b["jobs"], "enhanced_jobs": b["enhanced"],
         "adoption_rate": percent(b["enhanced"], b["jobs"]), **_quality(b)}
        for week, b in sorted(buckets.items())
    ]


def user_adoption(*, days: DayRange) -> dict:
    """Adoption, strategy preferences, quality with/without enhancement and the learning curve (three queries).

    Over the user-days of ``days``: ``summary`` (users, adoption, per-strategy jobs and users, quality),
    ``days`` (one row per day, newest first) and ``learning`` (per week since the first enhanced job).
    """
    return {"since": days.since, "until": days.until, "summary": adoption_summary(days=days),
            "days": adoption_days(days=days), "learning": adoption_learning(days=days)}
