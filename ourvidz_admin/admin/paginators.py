"""Paginators that never count a whole large table.

Counting a million-row table on every changelist page costs more than the
page itself. ``EstimatedCountPaginator`` counts exactly up to a cap (a
``COUNT`` over a ``LIMIT`` subquery, cheap on an index) and past the cap asks
the PostgreSQL planner for its row estimate. (PostHog's capped count paginator.)
"""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


def planner_estimate(queryset) -> int | None:
    """The PostgreSQL planner's row estimate for ``queryset``; None on other databases."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def estimated_count(queryset, cap: int | None = None) -> int:
    """Exact count up to ``cap``; past it, the planner's estimate (never less than ``cap + 1``)."""
    cap = settings.ADMIN_COUNT_CAP if cap is None else cap
    capped = queryset.order_by().values("pk")[: cap + 1].count()
    if capped <= cap:
        return capped
    estimate = planner_estimate(queryset)
    return max(cap + 1, estimate or 0)


class EstimatedCountPaginator(Paginator):
    """A Paginator whose ``count`` is ``estimated_count``: exact for small results, estimated for big."""

    @cached_property
    def count(self):
        return estimated_count(self.object_list)
