"""Related rows of the detail jobs (the first ``DETAIL_JOBS``), built and inserted with their batch."""

from analytics.models import EnhancedPromptTest, PromptTestResult
from demo import outputs, testing, tracking
from demo.context import DemoContext
from demo.keys import detail_rng
from generations.models import (
    GenerationImageInput,
    GenerationImageOutput,
    GenerationImageRating,
    Job,
    LiveJobTracking,
    PromptUsage,
    TrackedPrompt,
)
from prompts.models import PromptLog

# Insertion order: outputs before the ratings that point at them.
DETAIL_MODELS = (GenerationImageOutput, GenerationImageInput, GenerationImageRating, PromptLog, LiveJobTracking,
                 PromptUsage, TrackedPrompt, PromptTestResult, EnhancedPromptTest)


def build_details(pairs: list[tuple[int, Job]], seed: int, ctx: DemoContext, media) -> dict[type, list]:
    """Rows of every detail model for the ``(index, job)`` pairs, keyed by model class."""
    images, videos = media
    rows = {model: [] for model in DETAIL_MODELS}
    for index, job in pairs:
        rng = detail_rng(seed, index)
        made = outputs.job_outputs(rng, index, job, images, videos)
        rows[GenerationImageOutput] += made
        rows[GenerationImageInput] += outputs.job_inputs(rng, index, job, images)
        rows[GenerationImageRating] += outputs.output_ratings(rng, index, job, made)
        rows[PromptLog] += tracking.prompt_log(index, job, ctx)
        rows[LiveJobTracking].append(tracking.live_tracking(index, job))
        rows[PromptUsage] += tracking.prompt_usage(rng, index, job, ctx)
        rows[TrackedPrompt] += testing.tracked_prompt(rng, index, job, made)
        rows[PromptTestResult] += testing.test_result(index, job)
        rows[EnhancedPromptTest] += testing.enhanced_test(rng, index, job, ctx, made)
    return rows


def insert_details(rows: dict[type, list]) -> None:
    """Bulk-insert the rows built by ``build_details`` (inside the caller's transaction)."""
    for model in DETAIL_MODELS:
        model.objects.bulk_create(rows[model], batch_size=1_000)
