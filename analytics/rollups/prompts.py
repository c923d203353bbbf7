"""Exact rollup of ``prompt_usage`` into ``prompt_performance_daily`` (document 002), day by day.

Same rules as ``analytics/rollups/buckets.py``: one grouped query (``TruncDate`` of
``created_at`` in UTC), sums and counts only (no means, so any range of days
adds up exactly), ``uuid5`` row ids from ``rollup_id``, and the rows of the
rebuilt range deleted and inserted in one transaction. Usage rows without a
library prompt (``prompt`` NULL: the generation stage, or a prompt since
deleted) are not rolled up; a prompt and day without uses gets no row.
"""

from datetime import date, datetime, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.models import PromptPerformanceDaily
from analytics.rollups.buckets import UTC, _replace, _start_of_day, rollup_id
from generations.models import PromptUsage

TABLE = "prompt_performance_daily"


def rebuild_prompt_performance(since: date | None = None, until: date | None = None) -> int:
    """Rebuild ``PromptPerformanceDaily``: one row per library prompt per UTC day of ``created_at``.

    Over the ``prompt_usage`` rows of that prompt created that day:

    * ``uses`` = count; ``successes`` = count with ``success`` true;
    * ``rating_sum`` / ``rating_count`` = sum / count of ``rating`` over the rated uses;
    * ``response_time_sum_ms`` / ``response_time_count`` = sum / count of ``response_time_ms`` where set;
    * ``tokens_used`` = Σ ``tokens_used``; ``cost`` = Σ ``cost`` (USD, 6 places).

    ``since``: rebuild only the days from ``since`` (inclusive); ``until``: only those before ``until``
    (exclusive); None leaves that side open. Returns the number of rows written.
    """
    usage = PromptUsage.objects.filter(prompt__isnull=False)
    stale = PromptPerformanceDaily.objects.all()
    if since is not None:
        usage, stale = usage.filter(created_at__gte=_start_of_day(since)), stale.filter(date__gte=since)
    if until is not None:
        usage, stale = usage.filter(created_at__lt=_start_of_day(until)), stale.filter(date__lt=until)
    groups = (
        usage.annotate(day=TruncDate("created_at", tzinfo=UTC)).values("prompt", "day")
        .annotate(uses=Count("pk"), successes=Count("pk", filter=Q(success=True)),
                  rating_sum=Sum("rating"), rating_count=Count("rating"),
                  time_sum=Sum("response_time_ms"), time_count=Count("response_time_ms"),
                  tokens=Sum("tokens_used"), cost=Sum("cost"))
        .order_by("day", "prompt")
    )
    rows = [
        PromptPerformanceDaily(
            id=rollup_id(TABLE, g["prompt"], g["day"]), prompt_id=g["prompt"], date=g["day"], uses=g["uses"],
            successes=g["successes"], rating_sum=g["rating_sum"] or 0, rating_count=g["rating_count"],
            response_time_sum_ms=g["time_sum"] or 0, response_time_count=g["time_count"],
            tokens_used=g["tokens"] or 0, cost=g["cost"] or 0,
        )
        for g in groups
    ]
    return _replace(stale, PromptPerformanceDaily, rows)


def refresh_prompt_days(created_at: datetime, now: datetime | None = None) -> int:
    """Rebuild the days a job created at ``created_at`` can have usage rows on: that UTC day to today.

    A stage writes its usage row when it runs (``created_at`` = now), and a
    retry or a redelivered stage replaces the row of an earlier day, so every
    day from the job's creation to the refresh is rebuilt: one day in the
    usual case, two around midnight.
    """
    first = created_at.astimezone(UTC).date()
    today = (now or timezone.now()).astimezone(UTC).date()
    return rebuild_prompt_performance(first, max(first, today) + timedelta(days=1))
