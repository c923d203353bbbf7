"""Time every analytics dashboard page and API endpoint as a logged-in superuser.

Usage (on a ``seed_demo`` database; seed_demo fills the rollups at its end)::

    DATABASE_URL=postgres://... .venv/bin/python bench/analytics.py [--repeat 5]
        [--only dashboards|other|planning] [--json out.json]

One warm-up request per URL, then ``--repeat`` timed ones. Prints, per URL, the median and worst
wall time of the full request through Django's test client and the number of SQL queries.
``--json`` also writes them (plus the database name, job count and load average) for comparing
databases (see bench/README.md, "Analytics at 300k / 1M / 3M jobs").
Figures only: nothing here asserts a target.
"""

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _portal import superuser_client, time_get  # noqa: E402
from django.db import connection  # noqa: E402

from analytics.dashboards.common import utc_today  # noqa: E402

_D = "/admin/analytics/jobstatsdaily/dashboards/"
_YEAR = f"from={utc_today() - timedelta(days=365)}&to={utc_today()}"
_MONTH = f"from={utc_today() - timedelta(days=29)}&to={utc_today()}"

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
    ("admin: operations, 30 days", f"{_D}operations/"),
    ("admin: operations, 366 days", f"{_D}operations/?{_YEAR}"),
    ("api: model-performance", "/api/analytics/model-performance"),
    ("api: model-performance, 366 days", f"/api/analytics/model-performance?{_YEAR}"),
    ("api: enhanced-prompts", "/api/analytics/enhanced-prompts"),
    ("api: live", "/api/analytics/live"),
    ("api: enhancement-effectiveness", "/api/analytics/enhancement-effectiveness"),
    ("api: user-adoption", "/api/analytics/user-adoption"),
    ("api: operations, 30 days", "/api/analytics/operations"),
    ("api: operations, 366 days", f"/api/analytics/operations?{_YEAR}"),
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
    ("api: ratings, model=SDXL", "/api/analytics/ratings?model=SDXL"),
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


# Costs, forecasts and reports (analytics/admin/costs.py, forecasts.py, reports.py and their APIs).
_MPL = "/admin/analytics/modelperformancelog/"
PLANNING_URLS = [
    ("admin: costs, 7 days", "/admin/configs/costrate/costs/"),
    ("admin: costs, 30 days", f"/admin/configs/costrate/costs/?{_MONTH}"),
    ("api: costs, 7 days", "/api/analytics/costs"),
    ("api: costs, 30 days", f"/api/analytics/costs?{_MONTH}"),
    ("admin: forecasts", f"{_MPL}forecasts/"),
    ("api: forecast, SDXL", "/api/analytics/forecast?model_type=SDXL"),
    ("api: forecast, WAN", "/api/analytics/forecast?model_type=WAN"),
    ("admin: reports (form)", f"{_MPL}reports/"),
    ("admin: reports, last week PDF", f"{_MPL}reports/?period=week&audience=executive&download=1"),
    ("admin: reports, last month PDF (engineering)",
     f"{_MPL}reports/?period=month&audience=engineering&download=1"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=("dashboards", "other", "planning"))
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    args = parser.parse_args()
    urls = {"dashboards": DASHBOARD_URLS, "other": OTHER_URLS, "planning": PLANNING_URLS}.get(
        args.only, DASHBOARD_URLS + OTHER_URLS + PLANNING_URLS)
    client = superuser_client()
    client.raise_request_exception = False  # a page that fails is reported with its status, not fatal
    from generations.models import Job
    from ourvidz_admin.admin.paginators import estimated_count

    jobs = estimated_count(Job.objects.all())
    print(f"database: {connection.vendor}; jobs (planner estimate or exact): {jobs:,}")
    print(f"{'page':44} {'median ms':>10} {'worst ms':>10} {'queries':>8} {'status':>7}")
    summary = {"database": connection.settings_dict["NAME"], "vendor": connection.vendor, "jobs": jobs,
               "repeat": args.repeat, "load_before": os.getloadavg(), "pages": []}
    for label, url in urls:
        median, worst, queries, status = time_get(client, url, args.repeat, warm_up=True)
        print(f"{label:44} {median * 1000:10.1f} {worst * 1000:10.1f} {queries:8d} {status:7d}", flush=True)
        summary["pages"].append({"label": label, "url": url, "median_ms": round(median * 1000, 1),
                                 "worst_ms": round(worst * 1000, 1), "queries": queries, "status": status})
    summary["load_after"] = os.getloadavg()
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
