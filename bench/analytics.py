"""Time every analytics dashboard page and API endpoint as a logged-in superuser.

Usage (on the million-job database, after ``manage.py rollup_metrics`` has filled the rollups)::

    DATABASE_URL=postgres://... .venv/bin/python bench/analytics.py [--repeat 5] [--only dashboards|other]

One warm-up request per URL, then ``--repeat`` timed ones. Prints, per URL, the median and worst
wall time of the full request through Django's test client and the number of SQL queries.
Figures only: nothing here asserts the 300 ms target.
"""

import argparse
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _portal import superuser_client, time_get  # noqa: E402
from django.db import connection  # noqa: E402

from analytics.dashboards.common import utc_today  # noqa: E402

_D = "/admin/analytics/jobstatsdaily/dashboards/"
_YEAR = f"from={utc_today() - timedelta(days=365)}&to={utc_today()}"

# The analytics dashboards (analytics/admin/dashboards.py, analytics/api/dashboards.py).
DASHBOARD_URLS = [
    ("admin: model analytics, 7 days", f"{_D}models/"),
    ("admin: model analytics, 366 days", f"{_D}models/?{_YEAR}"),
    ("admin: enhanced prompts", f"{_D}enhanced-prompts/"),
    ("admin: live prompt performance", f"{_D}live/"),
    ("admin: live fragments (live.json)", f"{_D}live.json"),
    ("admin: enhancement effectiveness", f"{_D}effectiveness/"),
    ("admin: user adoption, 30 days", f"{_D}adoption/"),
    ("admin: user adoption, 366 days", f"{_D}adoption/?{_YEAR}"),
    ("admin: job stats daily list", "/admin/analytics/jobstatsdaily/"),
    ("api: model-performance", "/api/analytics/model-performance"),
    ("api: model-performance, 366 days", f"/api/analytics/model-performance?{_YEAR}"),
    ("api: enhanced-prompts", "/api/analytics/enhanced-prompts"),
    ("api: live", "/api/analytics/live"),
    ("api: enhancement-effectiveness", "/api/analytics/enhancement-effectiveness"),
    ("api: user-adoption", "/api/analytics/user-adoption"),
]

# ---------------------------------------------------------------------------------------------
# OTHER ANALYTICS URLS: the lead adds the A/B test pages and endpoints (analytics/abtests*) and the
# prompt-performance and alert pages and endpoints (analytics/alerts*, analytics/prompt_performance*)
# here, as ("label", "/path/?query"). Run them alone with --only other.
# ---------------------------------------------------------------------------------------------
def _enhancer_id() -> str:
    """The SDXL enhancer's id (the demo's busiest library prompt), or any prompt's."""
    from prompts.models import Prompt

    prompt = Prompt.objects.filter(name="sdxl-prompt-enhancer").first() or Prompt.objects.first()
    return str(prompt.pk) if prompt else "00000000-0000-0000-0000-000000000000"


def _ab_test_id() -> str:
    """The demo A/B test with the most pairs (its results page is the heaviest), or a placeholder."""
    from django.db.models import Count

    from analytics.models import PromptABTest

    test = PromptABTest.objects.annotate(n=Count("pairs")).order_by("-n").first()
    return str(test.pk) if test else "00000000-0000-0000-0000-000000000000"


_P = "/admin/analytics/promptperformancedaily/"
_AB = "/admin/analytics/promptabtest/"
OTHER_URLS = [
    ("api: ratings (document 001)", "/api/analytics/ratings"),
    ("api: prompt-performance (document 001)", "/api/analytics/prompt-performance"),
    # Prompt performance and alerts (document 002): analytics/prompt_performance.py, analytics/alerts/services.py.
    ("admin: prompt performance, week", f"{_P}performance/"),
    ("admin: prompt performance, day", f"{_P}performance/?period=day"),
    ("admin: prompt performance, month", f"{_P}performance/?period=month"),
    ("admin: prompt performance daily list", _P),
    ("admin: alerts (active)", "/admin/analytics/alert/"),
    ("admin: alerts (all)", "/admin/analytics/alert/?status=all"),
    ("admin: alert rules", "/admin/analytics/alertrule/"),
    ("api: prompt summary, week", f"/api/analytics/prompts/{_enhancer_id()}/performance?period=week"),
    ("api: prompt summary, month", f"/api/analytics/prompts/{_enhancer_id()}/performance?period=month"),
    ("api: top prompts, month", "/api/analytics/prompts/top?period=month&limit=10"),
    ("api: dashboard, week", "/api/analytics/dashboard?period=week"),
    ("api: dashboard, month", "/api/analytics/dashboard?period=month"),
    ("api: performance-alerts, week", "/api/analytics/performance-alerts?period=week"),
    ("api: alerts", "/api/alerts?status=active"),
    ("api: alert-rules", "/api/alert-rules"),
    # A/B tests: analytics/abtests/.
    ("admin: A/B tests list", _AB),
    ("admin: A/B test results page", f"{_AB}{_ab_test_id()}/change/"),
    ("admin: A/B blind rating index", f"{_AB}rate/"),
    ("admin: A/B blind rating page", f"{_AB}{_ab_test_id()}/rate/"),
    ("api: ab-tests", "/api/ab-tests/"),
    ("api: ab-test detail with results", f"/api/ab-tests/{_ab_test_id()}/"),
    ("api: ab-test pairs (blind)", f"/api/ab-tests/{_ab_test_id()}/pairs"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=("dashboards", "other"))
    args = parser.parse_args()
    urls = {"dashboards": DASHBOARD_URLS, "other": OTHER_URLS}.get(args.only, DASHBOARD_URLS + OTHER_URLS)
    client = superuser_client()
    from generations.models import Job
    from ourvidz_admin.admin.paginators import estimated_count

    print(f"database: {connection.vendor}; jobs (planner estimate or exact): {estimated_count(Job.objects.all()):,}")
    print(f"{'page':40} {'median ms':>10} {'worst ms':>10} {'queries':>8} {'status':>7}")
    for label, url in urls:
        median, worst, queries, status = time_get(client, url, args.repeat, warm_up=True)
        print(f"{label:40} {median * 1000:10.1f} {worst * 1000:10.1f} {queries:8d} {status:7d}")


if __name__ == "__main__":
    main()
