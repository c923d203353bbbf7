"""The prompt performance functions and the alerts, over HTTP.

GET  /api/analytics/prompts/<id>/performance?period=   get_prompt_performance_summary
GET  /api/analytics/prompts/top?period=&limit=&order_by=&min_uses=   get_top_performing_prompts
GET  /api/analytics/dashboard?period=                  get_dashboard_metrics
GET  /api/analytics/performance-alerts?period=         get_performance_alerts (nothing is saved)
GET  /api/alerts?status=&severity=&rule=               the alerts, most severe then most recent
POST /api/alerts/<id>/acknowledge, /api/alerts/<id>/resolve   (analytics.change_alert: admins, moderators)
GET  /api/alert-rules, PATCH /api/alert-rules/<id>     (the PATCH needs analytics.change_alertrule: admins)

``period`` is day, week, month or ``<n>h``; a bad one answers 400 ``{"period": [message]}``. A service's
ValidationError answers 400 ``{field: [messages]}`` through ``ourvidz_admin.api.exceptions.exception_handler``.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.alerts.selectors import alert_list
from analytics.alerts.services import alert_acknowledge, alert_resolve, alert_rule_save
from analytics.api import performance_serializers as shapes
from analytics.filters import AlertFilterSet, AlertRuleFilterSet
from analytics.models import Alert, AlertRule
from analytics.prompt_performance import (
    get_dashboard_metrics,
    get_performance_alerts,
    get_prompt_performance_summary,
    get_top_performing_prompts,
)
from ourvidz_admin.api.permissions import StaffModelPermissions, require
from ourvidz_admin.api.serializers import EmptySerializer
from prompts.models import Prompt

PERFORMANCE = "analytics.view_promptperformancedaily"


def _query(serializer_class, request) -> dict:
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


class PromptPerformanceSummaryApi(APIView):
    """One library prompt over the period: uses, success and error rate, mean rating and response, tokens, cost."""

    permission_classes = [require(PERFORMANCE)]

    @extend_schema(parameters=[shapes.PeriodQuerySerializer],
                   responses={200: shapes.PromptPerformanceSummarySerializer})
    def get(self, request, prompt_id):
        period = _query(shapes.PeriodQuerySerializer, request)["period"]
        prompt = get_object_or_404(Prompt.objects.only("id"), pk=prompt_id)
        data = get_prompt_performance_summary(prompt.pk, period)
        return Response(shapes.PromptPerformanceSummarySerializer(data).data)


class TopPromptsApi(APIView):
    """The best prompts of the period among those with at least ``min_uses`` uses, ranked by ``order_by``."""

    permission_classes = [require(PERFORMANCE)]

    @extend_schema(parameters=[shapes.TopQuerySerializer], responses={200: shapes.TopPromptSerializer(many=True)})
    def get(self, request):
        query = _query(shapes.TopQuerySerializer, request)
        rows = get_top_performing_prompts(query["period"], query["limit"], query["order_by"],
                                          min_uses=query["min_uses"])
        return Response(shapes.TopPromptSerializer(rows, many=True).data)


class DashboardMetricsApi(APIView):
    """Prompts, usage, success, rating, response time, tokens and cost over the period, and open alerts."""

    permission_classes = [require(PERFORMANCE, "analytics.view_alert")]

    @extend_schema(parameters=[shapes.PeriodQuerySerializer], responses={200: shapes.DashboardMetricsSerializer})
    def get(self, request):
        period = _query(shapes.PeriodQuerySerializer, request)["period"]
        return Response(shapes.DashboardMetricsSerializer(get_dashboard_metrics(period)).data)


class PerformanceAlertsApi(APIView):
    """What the enabled rules would raise now, the prompt rules judged over the period (nothing is saved)."""

    permission_classes = [require(PERFORMANCE, "analytics.view_alertrule")]

    @extend_schema(parameters=[shapes.PeriodQuerySerializer],
                   responses={200: shapes.PerformanceAlertSerializer(many=True)})
    def get(self, request):
        period = _query(shapes.PeriodQuerySerializer, request)["period"]
        return Response(shapes.PerformanceAlertSerializer(get_performance_alerts(period), many=True).data)


class AlertListApi(generics.ListAPIView):
    """Alerts, most severe first, then most recently seen."""

    permission_classes = [StaffModelPermissions]
    serializer_class = shapes.AlertSerializer
    filterset_class = AlertFilterSet
    queryset = Alert.objects.none()  # for the permission class; the rows come from the selector

    def get_queryset(self):
        return alert_list()


class _AlertActionApi(APIView):
    """A POST on one alert that calls a service and answers with the alert."""

    permission_classes = [require("analytics.change_alert")]
    serializer_class = EmptySerializer
    service = None

    @extend_schema(request=EmptySerializer, responses={200: shapes.AlertSerializer})
    def post(self, request, pk):
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        alert = get_object_or_404(Alert, pk=pk)
        type(self).service(alert=alert, user=request.user)
        return Response(shapes.AlertSerializer(alert_list().get(pk=pk)).data)


class AlertAcknowledgeApi(_AlertActionApi):
    """Mark an open alert as seen; it stays active until it recovers or is resolved."""

    service = staticmethod(alert_acknowledge)


class AlertResolveApi(_AlertActionApi):
    """Close an open or acknowledged alert; if its rule still fires, the next evaluation opens a new one."""

    service = staticmethod(alert_resolve)


class AlertRuleListApi(generics.ListAPIView):
    """The alert rules with their thresholds."""

    permission_classes = [StaffModelPermissions]
    serializer_class = shapes.AlertRuleSerializer
    filterset_class = AlertRuleFilterSet
    queryset = AlertRule.objects.order_by("metric", "name")


class AlertRuleUpdateApi(generics.GenericAPIView):
    """Change a rule's threshold, windows, minimum samples, severity, recommendation or switches."""

    permission_classes = [StaffModelPermissions]
    serializer_class = shapes.AlertRuleSerializer
    queryset = AlertRule.objects.all()

    @extend_schema(request=shapes.AlertRuleSerializer, responses={200: shapes.AlertRuleSerializer})
    def patch(self, request, pk):
        rule = self.get_object()
        serializer = shapes.AlertRuleSerializer(rule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        rule = alert_rule_save(rule=rule, **serializer.validated_data)
        return Response(shapes.AlertRuleSerializer(rule).data)
