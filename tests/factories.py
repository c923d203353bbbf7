"""factory_boy factories: one per model, valid by default."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from analytics import models as analytics
from configs import models as configs
from generations import models as generations
from gpu.models import WorkerHeartbeat
from ourvidz_admin.choices import EnhancementStrategy, JobStatus, JobType, ModelType
from prompts import models as prompts


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    is_staff = True
    password = factory.django.Password("pw")


class PromptTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.PromptTag

    name = factory.Sequence(lambda n: f"tag-{n}")
    color = "#3a7bd5"


class PromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.Prompt

    name = factory.Sequence(lambda n: f"prompt-{n}")
    display_name = factory.Sequence(lambda n: f"Prompt {n}")
    system_prompt = "You are a helpful prompt writer."


class PromptVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.PromptVersion

    name = factory.Sequence(lambda n: f"version {n}")
    system_prompt = "You write image prompts."
    user_prompt = "portrait of {subject}, {style}"


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.Agent

    name = factory.Sequence(lambda n: f"agent-{n}")


class AgentPromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.AgentPrompt

    agent = factory.SubFactory(AgentFactory)
    prompt = factory.SubFactory(PromptFactory)


class PromptTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.PromptTemplate

    name = "SDXL system"
    model_family = "sdxl"
    use_case = "text_to_image"
    template_type = "system"
    content = "masterpiece, best quality"
    version = factory.Sequence(lambda n: n + 1)


class PromptRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.PromptRule

    name = factory.Sequence(lambda n: f"rule {n}")
    rule_type = "append"
    content = "cinematic lighting"


class CharacterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.Character

    name = factory.Sequence(lambda n: f"Character {n}")
    slug = factory.Sequence(lambda n: f"character-{n}")
    base_prompt = "a red-haired explorer"
    loras = []  # LoRAs must be registered (configs.LoRA) for a job to use the character


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = generations.Job

    user = factory.SubFactory(UserFactory)
    model_type = ModelType.SDXL
    job_type = JobType.TEXT_TO_IMAGE
    status = JobStatus.COMPLETED
    original_prompt = "portrait of a woman, golden hour"
    enhancement_strategy = EnhancementStrategy.NONE
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=5))
    completed_at = factory.LazyFunction(timezone.now)


class OutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = generations.GenerationImageOutput

    job = factory.SubFactory(JobFactory)
    url = "https://cdn.example.com/out.png"
    mime_type = "image/png"
    order_index = factory.Sequence(lambda n: n)


class InputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = generations.GenerationImageInput

    job = factory.SubFactory(JobFactory, job_type=JobType.IMAGE_TO_IMAGE)
    url = "https://cdn.example.com/in.png"
    order_index = factory.Sequence(lambda n: n)


class RatingQueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = generations.RatingQueue

    name = factory.Sequence(lambda n: f"queue {n}")
    test_series = "queue-series"
    source = "series queue-series"


class ImageRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = generations.GenerationImageRating

    output = factory.SubFactory(OutputFactory)
    rating = 4


class PromptLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.PromptLog

    job = factory.SubFactory(JobFactory)
    model_family = "qwen_base"
    use_case = "enhancement"
    input_prompt = "a cat"
    output_prompt = "a fluffy cat on a windowsill, soft light"


class CompelConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = configs.CompelConfig

    config_name = factory.Sequence(lambda n: f"compel {n}")
    weights = factory.Sequence(lambda n: {"quality": 1.0 + (n % 10) / 10, "detail": 1.0})


class EnhancedModelConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = configs.EnhancedModelConfig

    model_type = ModelType.SDXL
    config_name = factory.Sequence(lambda n: f"config {n}")
    resolution = "1024x1024"


class EnhancementPresetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = configs.EnhancementPreset

    preset_name = factory.Sequence(lambda n: f"preset {n}")
    enable_qwen = True
    enable_compel = True
    auto_enhancement = False


class ModelParametersFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.ModelParameters

    model_family = "sdxl"
    user_tier = factory.Iterator(["", "free", "pro", "premium"])
    guidance_scale = 7


class ConfigChangeHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = configs.ConfigChangeHistory

    model_type = ModelType.SDXL
    config_name = "config"
    old_values = {"inference_steps": 20}
    new_values = {"inference_steps": 25}


class ModelConfigHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = configs.ModelConfigHistory

    model_type = ModelType.SDXL
    config_name = "config"
    config_data = {"inference_steps": 25}


class PromptTestResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.PromptTestResult

    prompt_text = "a lighthouse at dusk"
    model_type = ModelType.SDXL
    success = True


class EnhancedPromptTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.EnhancedPromptTest

    original_prompt = "woman"
    enhanced_prompt = "a woman standing in a sunlit field, detailed, cinematic"
    enhancement_strategy = "qwen"
    model_type = ModelType.SDXL
    job_type = JobType.TEXT_TO_IMAGE
    original_length = 5
    enhanced_length = 55
    expansion_percentage = 1000
    success = True


class PromptABTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.PromptABTest

    test_name = "Couples"
    test_series = "couples-v1"
    baseline_config = {"prompt_version": None, "enhancement_strategy": "none", "compel_config": None,
                       "model_config": None}
    enhanced_config = {"prompt_version": None, "enhancement_strategy": "hybrid", "compel_config": None,
                       "model_config": None}
    planned_pairs = 4


class LivePromptMetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.LivePromptMetric

    period_type = "hourly"
    timestamp = factory.Sequence(lambda n: timezone.now().replace(minute=0, second=0, microsecond=0)
                                 - timedelta(hours=n))
    total_jobs = 10
    qwen_enhanced_jobs = 3
    compel_enhanced_jobs = 2
    hybrid_enhanced_jobs = 1
    no_enhancement_jobs = 4


class LiveJobTrackingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = generations.LiveJobTracking

    job = factory.SubFactory(JobFactory)
    job_type = JobType.TEXT_TO_IMAGE
    model_type = ModelType.SDXL
    status = JobStatus.COMPLETED


class UserEnhancementAdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.UserEnhancementAdoption

    user = factory.SubFactory(UserFactory)
    date = factory.Sequence(lambda n: timezone.now().date() - timedelta(days=n))


class ModelPerformanceLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.ModelPerformanceLog

    model_type = ModelType.SDXL
    date = factory.Sequence(lambda n: timezone.now().date() - timedelta(days=n))


class JobStatsDailyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.JobStatsDaily

    date = factory.Sequence(lambda n: timezone.now().date() - timedelta(days=n))
    model_type = ModelType.SDXL
    enhancement_strategy = EnhancementStrategy.NONE
    total_jobs = 1
    completed_jobs = 1


class AdminDevelopmentProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.AdminDevelopmentProgress

    feature_name = "Prompt Testing"
    feature_category = "core"
    priority = "P0"


class PromptUsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = generations.PromptUsage

    prompt = factory.SubFactory(PromptFactory)
    user_prompt = "a cat"
    input_tokens = 10
    output_tokens = 90
    tokens_used = 100


class TrackedPromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = generations.TrackedPrompt

    prompt = "(red hat)1.3, portrait"
    ai_model = "sdxl"
    outcome = "success"
    save_method = "auto"


class ModelBackendFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = configs.ModelBackend
        django_get_or_create = ("family",)

    family = "sdxl"
    model_name = "tiny-sdxl"
    path = "/models/sdxl"


class CostRateFactory(factory.django.DjangoModelFactory):
    """A rate that came into force a day ago (history: read-only in the admin)."""

    class Meta:
        model = configs.CostRate

    backend = "sdxl"
    unit = "per_gpu_hour"
    rate = "3.000000"
    effective_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class WorkerHeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerHeartbeat

    name = factory.Sequence(lambda n: f"worker-{n}")
    hostname = "gpu-1"
    pid = 4242
    queues = ["sdxl"]


class PromptPerformanceDailyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.PromptPerformanceDaily

    prompt = factory.SubFactory(PromptFactory)
    date = factory.LazyFunction(lambda: timezone.now().date())
    uses = 4
    successes = 3
    rating_sum = 7
    rating_count = 2
    response_time_sum_ms = 4000
    response_time_count = 4
    tokens_used = 400
    cost = "0.000160"


class AlertRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.AlertRule

    name = factory.Sequence(lambda n: f"rule {n}")
    metric = "success_rate"
    comparison = "below"
    threshold = 70
    window_hours = 168
    min_samples = 5
    severity = "high"
    recommendation = "Read the failed uses."


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = analytics.Alert

    rule = factory.SubFactory(AlertRuleFactory)
    subject_type = "prompt"
    subject_key = factory.Sequence(lambda n: f"subject-{n}")
    subject_label = factory.Sequence(lambda n: f"Prompt {n}")
    severity = "high"
    value = 50
    threshold = 70
    message = "Prompt: success rate 50.00% over 10 uses in the last 168 h (alert when below 70%)."


class ABTestPairFactory(factory.django.DjangoModelFactory):
    """A started pair: both arms' jobs with the pair's prompt and seed (pass ``baseline_job=None`` for a draft)."""

    class Meta:
        model = analytics.ABTestPair

    ab_test = factory.SubFactory(PromptABTestFactory, status="running")
    position = factory.Sequence(lambda n: n + 1)
    prompt_text = "portrait of a woman, golden hour"
    seed = factory.Sequence(lambda n: 1_000 + n)
    enhanced_first = factory.Sequence(lambda n: n % 2 == 0)
    baseline_job = factory.SubFactory(JobFactory, original_prompt=factory.SelfAttribute("..prompt_text"),
                                      seed=factory.SelfAttribute("..seed"),
                                      test_series=factory.SelfAttribute("..ab_test.test_series"))
    enhanced_job = factory.SubFactory(JobFactory, original_prompt=factory.SelfAttribute("..prompt_text"),
                                      seed=factory.SelfAttribute("..seed"), enhancement_strategy="hybrid",
                                      enhanced_prompt="a woman in warm evening light, detailed portrait",
                                      test_series=factory.SelfAttribute("..ab_test.test_series"))


class BlockedTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.BlockedTerm

    term = factory.Sequence(lambda n: f"blocked{n}")
    content_mode = "sfw"


class UserTierAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.UserTierAssignment

    user = factory.SubFactory(UserFactory)
    tier = "pro"


class LoRAFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = configs.LoRA

    name = factory.Sequence(lambda n: f"lora_{n}")
    path = "/models/loras/none"


class PromptLabelFactory(factory.django.DjangoModelFactory):
    """A production label on a version of a library prompt (labels are moved by ``prompts.labels`` in tests)."""

    class Meta:
        model = prompts.PromptLabel

    kind = "version"
    prompt_version = factory.SubFactory(PromptVersionFactory, prompt=factory.SubFactory(PromptFactory))
    family = factory.LazyAttribute(lambda o: str(o.prompt_version.prompt_id))
    name = "production"


class PromptLabelMoveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prompts.PromptLabelMove

    label = factory.SubFactory(PromptLabelFactory)
    to_version = factory.LazyAttribute(lambda o: o.label.prompt_version)
    reason = "first placement"


class ExperimentRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = generations.ExperimentRun

    name = "fox grid"
    model_type = "SDXL"
    inputs = [{"prompt": "a red fox", "prompt_version": None}]
    axes = [{"name": "strategy", "values": ["none", "qwen"]}]
    test_series = factory.Sequence(lambda n: f"run:test{n:04d}")
