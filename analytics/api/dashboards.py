"""GET endpoints of the analytics dashboards : the admin pages' figures as JSON.

Each endpoint returns exactly what its admin page shows, from the same selector. Dates are UTC days,
``from``/``to`` inclusive (YYYY-MM-DD); a bad range answers 400 with ``{"from"|"to": [message]}``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import dashboard_serializers as shapes
from analytics.dashboards.adoption import user_adoption
from analytics.dashboards.common import MAX_DAYS, day_range_parse
from analytics.dashboards.effectiveness import strategy_effectiveness
from analytics.dashboards.enhanced_prompts import MAX_LIMIT, enhanced_prompt_analytics
from analytics.dashboards.live import live_prompt_performance
from analytics.dashboards.model_analytics import model_analytics
from ourvidz_admin.api.permissions import require

# Who may read each dashboard; the admin pages check the same permissions.
MODEL_ANALYTICS = ("analytics.view_modelperformancelog", "analytics.view_jobstatsdaily")
ENHANCED_PROMPTS = ("generations.view_job", "configs.view_compelconfig", "analytics.view_promptabtest")
LIVE = ("generations.view_job", "analytics.view_livepromptmetric")
EFFECTIVENESS = ("analytics.view_jobstatsdaily",)
ADOPTION = ("analytics.view_userenhancementadoption",)
OPERATIONS = ("analytics.view_jobstatsdaily",)


def _range_parameters(default_days: int) -> list[OpenApiParameter]:
    return [
        OpenApiParameter("from", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False,
                         description=f"First UTC day (inclusive); default: {default_days} days ending on 'to'."),
        OpenApiParameter("to", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False,
                         description=f"Last UTC day (inclusive); default: today. At most {MAX_DAYS} days in all."),
    ]


class ModelAnalyticsApi(APIView):
    """Per model (SDXL, WAN) success rate, mean time, volume and quality distribution, plus a row per day."""

    permission_classes = [require(*MODEL_ANALYTICS)]

    @extend_schema(parameters=_range_parameters(7), responses={200: shapes.ModelAnalyticsSerializer})
    def get(self, request):
        data = model_analytics(days=day_range_parse(request.query_params, default_days=7))
        return Response(shapes.ModelAnalyticsSerializer(data).data)


class _Limit(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=50)


class EnhancedPromptAnalyticsApi(APIView):
    """Qwen tracking (newest rewritten jobs), Compel weight analysis and A/B test results."""

    permission_classes = [require(*ENHANCED_PROMPTS)]

    @extend_schema(parameters=[_Limit], responses={200: shapes.EnhancedPromptAnalyticsSerializer})
    def get(self, request):
        params = _Limit(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = enhanced_prompt_analytics(limit=params.validated_data["limit"])
        return Response(shapes.EnhancedPromptAnalyticsSerializer(data).data)


class LivePromptPerformanceApi(APIView):
    """Last hour against last 24 h, the live job queue and per-strategy effectiveness over 24 h."""

    permission_classes = [require(*LIVE)]

    @extend_schema(responses={200: shapes.LivePromptPerformanceSerializer})
    def get(self, request):
        return Response(shapes.LivePromptPerformanceSerializer(live_prompt_performance()).data)


class EnhancementEffectivenessApi(APIView):
    """Per enhancement strategy over a day range (default the last 7 days), from job_stats_daily."""

    permission_classes = [require(*EFFECTIVENESS)]

    @extend_schema(parameters=_range_parameters(7), responses={200: shapes.EnhancementEffectivenessSerializer})
    def get(self, request):
        data = strategy_effectiveness(days=day_range_parse(request.query_params, default_days=7))
        return Response(shapes.EnhancementEffectivenessSerializer(data).data)


class UserAdoptionApi(APIView):
    """Adoption rate, strategy preferences, quality with/without enhancement and the learning curve."""

    permission_classes = [require(*ADOPTION)]

    @extend_schema(parameters=_range_parameters(30), responses={200: shapes.UserAdoptionSerializer})
    def get(self, request):
        data = user_adoption(days=day_range_parse(request.query_params, default_days=30))
        return Response(shapes.UserAdoptionSerializer(data).data)
