"""Outputs, inputs and per-criterion ratings of detail jobs, pointing at the shared demo media."""

import random

from demo.keys import demo_uuid, pick
from demo.media import MediaFile
from generations.models import GenerationImageInput, GenerationImageOutput, GenerationImageRating, Job
from ourvidz_admin.choices import JobStatus, JobType, RatingCriterion

IMAGE_CRITERIA = (RatingCriterion.COMPOSITION, RatingCriterion.COLOR, RatingCriterion.ACCURACY,
                  RatingCriterion.DETAIL, RatingCriterion.ANATOMY)
VIDEO_CRITERIA = (RatingCriterion.MOTION, RatingCriterion.ACCURACY, RatingCriterion.DETAIL)
_IMAGE_INPUT_TYPES = (JobType.IMAGE_TO_IMAGE, JobType.IMAGE_TO_VIDEO)


def job_outputs(rng: random.Random, index: int, job: Job, images, videos) -> list[GenerationImageOutput]:
    """The files a completed job produced: 1, 2 or 4 images for SDXL, one clip for WAN."""
    if job.status != JobStatus.COMPLETED:
        return []
    if job.model_type == "WAN":
        files = [videos[rng.randrange(len(videos))]]
    else:
        files = [images[rng.randrange(len(images))] for _n in range(pick(rng, ((1, 80), (2, 15), (4, 5))))]
    return [_output(index, position, job, media) for position, media in enumerate(files)]


def _output(index: int, position: int, job: Job, media: MediaFile) -> GenerationImageOutput:
    return GenerationImageOutput(
        id=demo_uuid("output", f"{index}/{position}"), job_id=job.id, order_index=position, file=media.name,
        thumbnail=media.thumbnail, width=media.width, height=media.height, file_size_bytes=media.size,
        mime_type=media.mime_type, frame_count=media.frame_count, duration_ms=media.duration_ms,
        created_at=job.completed_at,
    )


def job_inputs(rng: random.Random, index: int, job: Job, images) -> list[GenerationImageInput]:
    """The reference image of an image-to-image or image-to-video job."""
    if job.job_type not in _IMAGE_INPUT_TYPES:
        return []
    media = images[rng.randrange(len(images))]
    return [GenerationImageInput(
        id=demo_uuid("input", f"{index}/0"), job_id=job.id, order_index=0, file=media.name, width=media.width,
        height=media.height, file_size_bytes=media.size, mime_type=media.mime_type, created_at=job.created_at,
    )]


def output_ratings(rng: random.Random, index: int, job: Job, outputs) -> list[GenerationImageRating]:
    """For about a third of rated jobs, the reviewer also scores the first output on 2-4 criteria."""
    if not outputs or job.quality_rating is None or rng.random() >= 0.35:
        return []
    criteria = VIDEO_CRITERIA if job.model_type == "WAN" else IMAGE_CRITERIA
    chosen = [RatingCriterion.OVERALL, *rng.sample(criteria, rng.randint(1, min(3, len(criteria))))]
    return [
        GenerationImageRating(
            id=demo_uuid("image-rating", f"{index}/{criterion}"), output_id=outputs[0].id, criteria=criterion,
            rating=job.quality_rating if criterion == RatingCriterion.OVERALL
            else min(5, max(1, job.quality_rating + rng.choice((-1, 0, 0, 1)))),
            rated_by_id=job.rated_by_id, rated_at=job.rated_at,
            notes=job.notes if criterion == RatingCriterion.OVERALL else "",
        )
        for criterion in chosen
    ]
