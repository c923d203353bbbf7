"""Writes behind the image endpoints: attach an input/output image to a job, remove one.

They belong with ``generations.services``; they live here until that module
takes them (it is owned by the job workflow).
"""

from django.db import transaction
from django.db.models import Max

from generations.models import GenerationImageInput, GenerationImageOutput, Job

IMAGE_MODELS = {"input": GenerationImageInput, "output": GenerationImageOutput}


@transaction.atomic
def generation_image_add(*, job: Job, kind: str, file=None, url: str = "", order_index: int | None = None,
                         width: int | None = None, height: int | None = None, mime_type: str = ""):
    """Attach a file upload or an external ``url`` as the job's next (or given) input/output image.

    ``full_clean`` enforces one location and a free ``order_index``; ValidationError writes nothing.
    """
    model = IMAGE_MODELS[kind]
    job = Job.objects.select_for_update().only("id").get(pk=job.pk)
    if order_index is None:
        highest = model.objects.filter(job=job).aggregate(highest=Max("order_index"))["highest"]
        order_index = 0 if highest is None else highest + 1
    image = model(
        job=job, url=url or "", order_index=order_index, width=width, height=height,
        mime_type=mime_type or (getattr(file, "content_type", "") or "")[:50],
        file_size_bytes=getattr(file, "size", None),
    )
    if file is not None:
        image.file.save(file.name, file, save=False)
    image.full_clean()
    image.save()
    return image


@transaction.atomic
def generation_image_delete(*, image) -> None:
    """Delete an input or output row; its stored file is removed once the deletion commits."""
    stored = image.file.name if image.file else ""
    storage = image.file.storage
    image.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
