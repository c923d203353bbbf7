"""GET /api/analytics/costs: what the Costs admin page shows, from the same selector (``analytics.costs``).

Days are UTC, ``from``/``to`` inclusive (YYYY-MM-DD, default the last 7 days); a bad range or ``top`` answers
400 naming the parameter. Money is US dollars to 6 places.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.costs import DEFAULT_TOP, MAX_TOP, cost_report
from analytics.dashboards.common import MAX_DAYS, day_range_parse
from ourvidz_admin.api.permissions import require

# Who may read costs; the admin page checks the same permissions.
COSTS = ("generations.view_job", "generations.view_promptusage", "configs.view_costrate")
DEFAULT_DAYS = 7


def _usd(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=6, allow_null=True, help_text=help_text)


class CostRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="The model, strategy, user id or prompt id; null for "
                                                           "jobs without a user or stages without a prompt.")
    label = serializers.CharField()
    jobs = serializers.IntegerField(help_text="Jobs created in the range (for a prompt: jobs with a stage on it).")
    enhancement_cost = _usd("Σ enhancement_cost (USD).")
    generation_cost = _usd("Σ generation_cost (USD).")
    total_cost = _usd("enhancement + generation (USD).")
    good_outputs = serializers.IntegerField(allow_null=True, help_text="Jobs rated 4 or 5 stars; null for prompts.")
    cost_per_good_output = _usd("total_cost / good_outputs (USD); null without a good output.")


class CostReportSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    total = CostRowSerializer()
    models = CostRowSerializer(many=True)
    strategies = CostRowSerializer(many=True)
    prompts = CostRowSerializer(many=True, help_text="The prompts that cost most, most first.")
    users = CostRowSerializer(many=True, help_text="The users whose jobs cost most, most first.")


class _Top(serializers.Serializer):
    top = serializers.IntegerField(min_value=1, max_value=MAX_TOP, default=DEFAULT_TOP,
                                   help_text="Rows in the prompts and users tables.")


class CostsApi(APIView):
    """Costs of the jobs created in a day range: total, per model and strategy, top prompts and users, and the
    cost per output rated 4+ (docs/metrics.md, "Costs")."""

    permission_classes = [require(*COSTS)]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False,
                             description=f"First UTC day (inclusive); default: {DEFAULT_DAYS} days ending on 'to'."),
            OpenApiParameter("to", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False,
                             description=f"Last UTC day (inclusive); default: today. At most {MAX_DAYS} days."),
            _Top,
        ],
        responses={200: CostReportSerializer},
    )
    def get(self, request):
        days = day_range_parse(request.query_params, default_days=DEFAULT_DAYS)
        params = _Top(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(CostReportSerializer(cost_report(days, top=params.validated_data["top"])).data)
