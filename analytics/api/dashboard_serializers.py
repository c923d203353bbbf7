"""Response shapes of the dashboard endpoints (/api/analytics/model-performance, ...); read-only."""

from rest_framework import serializers

from ourvidz_admin.choices import EnhancementStrategy, JobStatus, JobType, ModelType


def _code(choices) -> serializers.CharField:
    # Plain strings, not enums: the schema's enum names stay those of the writable endpoints.
    return serializers.CharField(help_text="One of: " + ", ".join(choices.values) + ".")


def _decimal(help_text: str = "", places: int = 2) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=places, allow_null=True, help_text=help_text)


def _ms(help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(allow_null=True, help_text=help_text)


def _distribution() -> serializers.DictField:
    return serializers.DictField(child=_decimal(), help_text="Keys '5'..'1': % of the rated jobs with that many stars.")


class ModelSummarySerializer(serializers.Serializer):
    model_type = _code(ModelType)
    jobs = serializers.IntegerField(help_text="Jobs created in the range, any status.")
    completed = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    success_rate = _decimal("completed × 100 / (completed + failed).")
    mean_time_ms = _ms("Mean inference_time_ms of the completed jobs.")
    rated = serializers.IntegerField()
    mean_quality = _decimal("Mean stars of the rated jobs.")
    quality_distribution = _distribution()


class ModelDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    sdxl_success_rate = _decimal()
    wan_success_rate = _decimal()
    mean_quality = _decimal("Mean stars of the day's rated jobs, both models.")
    rated = serializers.IntegerField()
    sdxl_jobs = serializers.IntegerField()
    wan_jobs = serializers.IntegerField()
    total_jobs = serializers.IntegerField()


class ModelAnalyticsSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    models = ModelSummarySerializer(many=True)
    days = ModelDaySerializer(many=True, help_text="Every day of the range, newest first.")


class QwenJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    model_type = _code(ModelType)
    enhancement_strategy = _code(EnhancementStrategy)
    status = _code(JobStatus)
    excerpt = serializers.CharField(help_text="The first 80 characters of the original prompt.")
    original_length = serializers.IntegerField()
    enhanced_length = serializers.IntegerField()
    qwen_expansion_percentage = _decimal()
    enhancement_time_ms = _ms()
    quality_rating = serializers.IntegerField(allow_null=True)
    quality_improvement = _decimal("Quality gain: rating minus the unenhanced baseline on the same prompt and seed.")


class CompelWeightSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    config_name = serializers.CharField()
    weights = serializers.DictField(child=serializers.FloatField())
    avg_quality = _decimal()
    consistency_percent = _decimal("avg_consistency × 100.")
    total_tests = serializers.IntegerField()
    is_active = serializers.BooleanField()


class ABTestResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    test_name = serializers.CharField()
    test_series = serializers.CharField()
    model_type = _code(ModelType)
    status = serializers.CharField()
    total_participants = serializers.IntegerField()
    baseline_avg_quality = _decimal()
    enhanced_avg_quality = _decimal()
    quality_improvement = _decimal("Enhanced minus baseline mean, stars.")
    improvement_percent = _decimal("(enhanced − baseline) × 100 / baseline.")
    confidence_level = _decimal()
    confidence_percent = _decimal()
    is_complete = serializers.BooleanField()


class EnhancedPromptAnalyticsSerializer(serializers.Serializer):
    qwen = QwenJobSerializer(many=True)
    compel = CompelWeightSerializer(many=True)
    ab_tests = ABTestResultSerializer(many=True)


class LiveMetricSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    last_hour = _decimal()
    last_24h = _decimal()
    difference = _decimal("last_hour − last_24h.")
    arrow = serializers.CharField()


class LiveQueueJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField(allow_null=True)
    model_type = _code(ModelType)
    job_type = _code(JobType)
    enhancement_strategy = _code(EnhancementStrategy)
    status = _code(JobStatus)
    progress = serializers.FloatField()
    created_at = serializers.DateTimeField()
    age_seconds = serializers.IntegerField()


class LiveQueueSerializer(serializers.Serializer):
    active = LiveQueueJobSerializer(many=True)
    finished = LiveQueueJobSerializer(many=True)


class LiveStrategySerializer(serializers.Serializer):
    strategy = _code(EnhancementStrategy)
    label = serializers.CharField()
    jobs = serializers.IntegerField()
    success_rate = _decimal("completed × 100 / (completed + failed), last 24 h.")
    rated = serializers.IntegerField()
    mean_quality = _decimal()
    mean_enhancement_time_ms = _ms()


class LivePromptPerformanceSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    metrics = LiveMetricSerializer(many=True)
    queue = LiveQueueSerializer()
    strategies = LiveStrategySerializer(many=True)


class StrategyEffectivenessSerializer(serializers.Serializer):
    strategy = _code(EnhancementStrategy)
    label = serializers.CharField()
    jobs = serializers.IntegerField()
    completed = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    rated = serializers.IntegerField()
    mean_quality = _decimal()
    mean_improvement = _decimal()
    mean_enhancement_time_ms = _ms()
    success_rate = _decimal("completed × 100 / jobs (as the enhancement_effectiveness view).")
    finished_success_rate = _decimal("completed × 100 / (completed + failed).")
    high_quality_rate = _decimal("jobs rated 4-5 × 100 / jobs (as the enhancement_effectiveness view).")
    quality_distribution = _distribution()


class EnhancementEffectivenessSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    strategies = StrategyEffectivenessSerializer(many=True)


class AdoptionStrategySerializer(serializers.Serializer):
    strategy = _code(EnhancementStrategy)
    label = serializers.CharField()
    jobs = serializers.IntegerField()
    job_share = _decimal()
    users = serializers.IntegerField(help_text="Users who used it at least once in the range.")


class _AdoptionQuality(serializers.Serializer):
    quality_with = _decimal("Mean over user-days of the day's mean stars with enhancement.")
    quality_with_user_days = serializers.IntegerField()
    quality_without = _decimal()
    quality_without_user_days = serializers.IntegerField()
    quality_gain = _decimal("Mean over user-days with both of (with − without).")
    quality_gain_user_days = serializers.IntegerField()


class AdoptionSummarySerializer(_AdoptionQuality):
    users = serializers.IntegerField()
    user_days = serializers.IntegerField()
    jobs = serializers.IntegerField()
    enhanced_jobs = serializers.IntegerField()
    adoption_rate = _decimal()
    adopters = serializers.IntegerField()
    adopter_rate = _decimal()
    strategies = AdoptionStrategySerializer(many=True)


class AdoptionDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    users = serializers.IntegerField()
    jobs = serializers.IntegerField()
    enhanced_jobs = serializers.IntegerField()
    adoption_rate = _decimal()


class AdoptionWeekSerializer(_AdoptionQuality):
    week = serializers.CharField(help_text="Whole weeks since the first enhanced job: 'before', '0'..'7', '8+'.")
    user_days = serializers.IntegerField()
    jobs = serializers.IntegerField()
    enhanced_jobs = serializers.IntegerField()
    adoption_rate = _decimal()


class UserAdoptionSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    summary = AdoptionSummarySerializer()
    days = AdoptionDaySerializer(many=True)
    learning = AdoptionWeekSerializer(many=True)
