"""Job and image constraints reject bad data with clear messages, in validation and in the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from generations.models import GenerationImageOutput, Job
from ourvidz_admin.choices import JobStatus, JobType, ModelType, RatingLabel
from tests.factories import ImageRatingFactory, JobFactory, OutputFactory

pytestmark = pytest.mark.django_db


def _saving_raises_integrity_error(instance) -> bool:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("quality_rating", 6, "quality_rating must be between 1 and 5."),
        ("quality_rating", 0, "quality_rating must be between 1 and 5."),
        ("guidance_scale", 25, "guidance_scale must be between 1 and 20."),
        ("status", "exploded", "status must be one of: queued, processing, completed, failed, cancelled."),
        ("enhancement_strategy", "magic", "enhancement_strategy must be one of: none, qwen, compel, hybrid."),
    ],
)
def test_job_constraint_rejects_bad_value(field, value, message):
    job = JobFactory.build(user=None, **{field: value})

    with pytest.raises(ValidationError) as excinfo:
        job.validate_constraints()

    assert message in excinfo.value.messages
    assert _saving_raises_integrity_error(job)
    assert Job.objects.count() == 0


def test_job_type_must_belong_to_model():
    job = JobFactory.build(user=None, model_type=ModelType.WAN, job_type=JobType.TEXT_TO_IMAGE)

    with pytest.raises(ValidationError) as excinfo:
        job.validate_constraints()

    assert "job_type does not belong to model_type (SDXL makes images, WAN videos)." in excinfo.value.messages
    assert _saving_raises_integrity_error(job)


def test_failed_job_needs_failure_reason():
    job = JobFactory.build(user=None, status=JobStatus.FAILED, failure_reason="")

    assert _saving_raises_integrity_error(job)


def test_valid_job_saves_with_time_ordered_uuid():
    first = JobFactory()
    second = JobFactory()

    assert first.pk.version == 7
    assert str(first.pk) < str(second.pk)
    assert Job.objects.count() == 2


def test_output_needs_file_or_url():
    output = OutputFactory.build(job=JobFactory(), url="")

    assert _saving_raises_integrity_error(output)


def test_output_order_is_unique_per_job():
    job = JobFactory()
    OutputFactory(job=job, order_index=0)

    assert _saving_raises_integrity_error(OutputFactory.build(job=job, order_index=0))
    assert GenerationImageOutput.objects.filter(job=job).count() == 1


def test_image_rating_range():
    rating = ImageRatingFactory.build(output=OutputFactory(), rating=6)

    assert _saving_raises_integrity_error(rating)


@pytest.mark.parametrize("label,stars", [("FAILED", 1), ("poor", 2), ("ACCEPTABLE", 3), ("GOOD", 4), ("5", 5)])
def test_rating_labels_map_to_stars(label, stars):
    assert RatingLabel.from_label(label) == stars


def test_unknown_rating_label_is_explained():
    with pytest.raises(ValueError, match="Unknown rating 'SUPERB'; use 1-5 or one of FAILED, POOR"):
        RatingLabel.from_label("SUPERB")


def test_generation_time_and_expansion():
    job = JobFactory(original_prompt="woman", enhanced_prompt="w" * 175)

    assert job.generation_time.total_seconds() == pytest.approx(300, abs=2)
    assert job.expansion_percentage == 3400.0
