"""Deterministic ids, random streams and the insert-what-is-missing helper of the demo seeder."""

import random
import uuid
from collections.abc import Iterable, Sequence

from django.db import models

NAMESPACE = uuid.UUID("6f1c2a4e-8d0b-5b7e-9c3a-0d1e2f3a4b5c")
DETAIL_JOBS = 2_000


def demo_uuid(kind: str, key) -> uuid.UUID:
    """The id of demo row ``key`` of ``kind``: ``uuid5(NAMESPACE, f"demo-{kind}-{key}")``."""
    return uuid.uuid5(NAMESPACE, f"demo-{kind}-{key}")


def job_uuid(index: int) -> uuid.UUID:
    """The id of demo job ``index``; it does not depend on the seed, so reruns find the job."""
    return uuid.uuid5(NAMESPACE, f"demo-job-{index}")


def job_rng(seed: int, index: int) -> random.Random:
    """The random stream of job ``index``: the same whatever ``--jobs`` is."""
    return random.Random(seed * 1_000_003 + index)


def detail_rng(seed: int, index: int) -> random.Random:
    """A second stream for the related rows of detail job ``index``, independent of ``job_rng``."""
    return random.Random((seed * 1_000_003 + index) ^ 0x5EED_DE7A11)


def insert_missing(
    model: type[models.Model], objs: Iterable[models.Model], key: Sequence[str] = ("pk",), *, unchecked=()
) -> int:
    """Validate and insert the objects whose ``key`` fields match no existing row; return how many.

    Field validators run (hex colours, LoRA lists, Compel weights); constraints
    are left to the database, and so are the foreign keys named in ``unchecked``
    (rows that point at rows of the same batch). Existing rows are never
    touched, so a rerun changes nothing.
    """
    objs = list(objs)
    if not objs:
        return 0
    key = tuple("pk" if name in ("pk", "id") else name for name in key)
    attnames = [model._meta.pk.attname if name == "pk" else model._meta.get_field(name).attname for name in key]
    lookup = [name if name != "pk" else "pk" for name in key]
    existing = set(model.objects.values_list(*lookup))
    missing, seen = [], set(existing)
    for obj in objs:
        values = tuple(getattr(obj, attname) for attname in attnames)
        if values in seen:
            continue
        seen.add(values)
        obj.full_clean(exclude=unchecked, validate_unique=False, validate_constraints=False)
        missing.append(obj)
    model.objects.bulk_create(missing, batch_size=500)
    return len(missing)


def pick(rng: random.Random, weighted: Sequence[tuple[object, float]]):
    """One value of ``[(value, weight), ...]`` drawn with ``rng``."""
    total = sum(weight for _value, weight in weighted)
    point = rng.random() * total
    for value, weight in weighted:
        point -= weight
        if point < 0:
            return value
    return weighted[-1][0]
