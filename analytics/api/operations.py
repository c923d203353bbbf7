"""``GET /api/analytics/operations``: the operations page's tables as JSON (analytics.operations.figures)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api.dashboards import OPERATIONS, _range_parameters
from analytics.dashboards.common import day_range_parse
from analytics.operations.figures import operations
from ourvidz_admin.api.permissions import require

_MONEY = {"max_digits": 18, "decimal_places": 6, "allow_null": True}


class PercentileSerializer(serializers.Serializer):
    q = serializers.FloatField()
    low = serializers.IntegerField(help_text="The bin's lower edge, ms: the percentile is at least this.")
    high = serializers.IntegerField(allow_null=True, help_text="The bin's upper edge, ms (exclusive); null: open bin.")


class StageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    mean_ms = serializers.DecimalField(max_digits=14, decimal_places=0, allow_null=True)
    p50 = PercentileSerializer(allow_null=True)
    p95 = PercentileSerializer(allow_null=True)
    p99 = PercentileSerializer(allow_null=True)


class StagesSerializer(serializers.Serializer):
    queue_wait = StageSerializer()
    enhancement = StageSerializer()
    inference = StageSerializer()
    total = StageSerializer()


class StageTimesSerializer(serializers.Serializer):
    model_type = serializers.CharField()
    strategy = serializers.CharField(help_text="Empty: every strategy of the model.")
    label = serializers.CharField()
    stages = StagesSerializer()


class PeakRowSerializer(serializers.Serializer):
    weekday = serializers.CharField()
    hours = serializers.ListField(child=serializers.IntegerField(), help_text="Jobs per UTC hour 0-23.")
    jobs = serializers.IntegerField()


class BusiestSerializer(serializers.Serializer):
    weekday = serializers.CharField()
    hour = serializers.IntegerField()
    jobs = serializers.IntegerField()


class PeaksSerializer(serializers.Serializer):
    rows = PeakRowSerializer(many=True)
    hour_totals = serializers.ListField(child=serializers.IntegerField())
    busiest = BusiestSerializer(allow_null=True)


class OutcomesSerializer(serializers.Serializer):
    model_type = serializers.CharField(required=False)
    job_type = serializers.CharField(required=False)
    enhancement_strategy = serializers.CharField(required=False)
    tier = serializers.CharField(required=False)
    content_mode = serializers.CharField(required=False)
    total_jobs = serializers.IntegerField()
    completed_jobs = serializers.IntegerField()
    failed_jobs = serializers.IntegerField()
    cancelled_jobs = serializers.IntegerField()
    rated_jobs = serializers.IntegerField()
    success_rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    mean_stars = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    good_share = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                          help_text="(4★ + 5★) / rated, %.")
    cost = serializers.DecimalField(**_MONEY)
    cost_per_good = serializers.DecimalField(**_MONEY, help_text="cost / jobs rated 4★ or more, USD.")


class FailureReasonSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class FailureDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day, or the Monday of the week.")
    counts = serializers.ListField(child=serializers.IntegerField(), help_text="Per reason, in `reasons` order.")
    total = serializers.IntegerField()


class FailuresSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["day", "week"], help_text="week: ISO weeks (ranges over 31 days).")
    reasons = FailureReasonSerializer(many=True)
    rows = FailureDaySerializer(many=True)


class GoalSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    target = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    display = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)
    sample = serializers.IntegerField()
    sample_label = serializers.CharField()
    period = serializers.CharField()


class OperationsSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    goals = GoalSerializer(many=True)
    stage_times = StageTimesSerializer(many=True)
    peaks = PeaksSerializer()
    by_job_type = OutcomesSerializer(many=True)
    by_model_strategy = OutcomesSerializer(many=True)
    by_tier = OutcomesSerializer(many=True)
    by_content_mode = OutcomesSerializer(many=True)
    failures = FailuresSerializer()


class OperationsApi(APIView):
    """Stage times with p50/p95/p99, peaks, success by job type, failure trends, quality by tier and content
    mode, and the guide's goals, over UTC days ``from`` .. ``to`` (default: the last 30)."""

    permission_classes = [require(*OPERATIONS)]

    @extend_schema(parameters=_range_parameters(30), responses={200: OperationsSerializer})
    def get(self, request):
        return Response(OperationsSerializer(operations(day_range_parse(request.query_params, default_days=30))).data)
