"""Jobs (the guide's ``jobs`` merged with the generator admin's ``generation``), their images and per-job telemetry."""

from generations.models.images import GenerationImageInput, GenerationImageOutput, GenerationImageRating
from generations.models.jobs import Job
from generations.models.ratings import JobRating, RatingAssignment, RatingQueue
from generations.models.runs import ExperimentRun, RunCell
from generations.models.telemetry import LiveJobTracking, PromptUsage, TrackedPrompt

__all__ = [
    "ExperimentRun", "GenerationImageInput", "GenerationImageOutput", "GenerationImageRating", "Job", "JobRating",
    "LiveJobTracking", "PromptUsage", "RatingAssignment", "RatingQueue", "RunCell", "TrackedPrompt",
]
