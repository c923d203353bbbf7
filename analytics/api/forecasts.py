"""GET /api/analytics/forecast: one model's next days of volume and success rate, with 80% intervals.

The figures of the admin Forecasts page, from the same ``analytics.forecasts.forecast``. A missing or
bad parameter answers 400 naming it (``{"model_type": [message]}``).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.forecasts import (
    DEFAULT_DAYS,
    DEFAULT_HISTORY_DAYS,
    MAX_DAYS,
    MAX_HISTORY_DAYS,
    MIN_HISTORY_DAYS,
    forecast,
)
from ourvidz_admin.api.permissions import require
from ourvidz_admin.choices import ModelType

PERMISSIONS = ("analytics.view_modelperformancelog",)
_MODELS = ", ".join(ModelType.values)


class ForecastRangeSerializer(serializers.Serializer):
    """How far to forecast and how much history to fit on (the admin page takes these two)."""

    days = serializers.IntegerField(
        min_value=1, max_value=MAX_DAYS, default=DEFAULT_DAYS, help_text="Days to forecast, today first.",
        error_messages={"invalid": "days must be a whole number.",
                        "min_value": "days must be at least {min_value}.",
                        "max_value": "days must be at most {max_value}."})
    history_days = serializers.IntegerField(
        min_value=MIN_HISTORY_DAYS, max_value=MAX_HISTORY_DAYS, default=DEFAULT_HISTORY_DAYS,
        help_text="Complete days before today to fit on (from the model's first day with generations).",
        error_messages={"invalid": "history_days must be a whole number.",
                        "min_value": "history_days must be at least {min_value}.",
                        "max_value": "history_days must be at most {max_value}."})


class ForecastQuerySerializer(ForecastRangeSerializer):
    model_type = serializers.ChoiceField(
        choices=ModelType.values, help_text=f"The model: {_MODELS}.",
        error_messages={"required": f"Give model_type: one of {_MODELS}.",
                        "invalid_choice": f"model_type must be one of {_MODELS}, not \"{{input}}\"."})


class ForecastDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    volume = serializers.FloatField(help_text="Generations (completed + failed) expected that UTC day, ≥ 0.")
    volume_low = serializers.FloatField(help_text="80% prediction interval, lower bound (≥ 0).")
    volume_high = serializers.FloatField(help_text="80% prediction interval, upper bound.")
    success_rate = serializers.FloatField(allow_null=True, help_text="Completed / (completed + failed), 0 to 1.")
    success_rate_low = serializers.FloatField(allow_null=True)
    success_rate_high = serializers.FloatField(allow_null=True)


class ForecastSerializer(serializers.Serializer):
    model_type = serializers.CharField(help_text=f"One of: {_MODELS}.")
    method = serializers.CharField(allow_null=True, help_text="The forecasting method; null without a forecast.")
    message = serializers.CharField(allow_null=True, help_text="Why there is no forecast (too little history).")
    notes = serializers.ListField(child=serializers.CharField())
    history_since = serializers.DateField(allow_null=True, help_text="First day fitted (first day with generations).")
    history_until = serializers.DateField(help_text="Last day fitted: yesterday (UTC).")
    history_days = serializers.IntegerField()
    days = ForecastDaySerializer(many=True)


class ForecastApi(APIView):
    """The next days (today first) of a model's daily volume and success rate, each with an 80% interval."""

    permission_classes = [require(*PERMISSIONS)]

    @extend_schema(parameters=[ForecastQuerySerializer], responses={200: ForecastSerializer})
    def get(self, request):
        params = ForecastQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        result = forecast(params.validated_data["model_type"], days=params.validated_data["days"],
                          history_days=params.validated_data["history_days"])
        return Response(ForecastSerializer(result).data)
