"""The one seam out of the job domain: ``job_changed(job, change)`` calls the listeners of ``JOB_LISTENERS``.

The job services (``generations.services``) and the worker's state changes
(``generations.lifecycle``) announce each change of a job here, inside the
transaction that made it. Apps above ``generations`` (analytics today) react in
listeners named by dotted path in the ``JOB_LISTENERS`` setting, called in that
order, so the job domain imports none of them. A listener that queues work
puts it on ``transaction.on_commit``: nothing runs for a change that rolls back.

Explicit calls rather than Django signals: the flow reads top to bottom, the
listener order is a setting, and a listener's error surfaces in the caller
(after NetBox's ``EVENTS_PIPELINE`` and Saleor's ``call_event``).
"""

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

SUBMITTED = "submitted"
ENHANCED = "enhanced"
COMPLETED = "completed"
FAILED = "failed"
CANCELLED = "cancelled"
RETRIED = "retried"
RATED = "rated"
CHANGES = (SUBMITTED, ENHANCED, COMPLETED, FAILED, CANCELLED, RETRIED, RATED)
# The changes that end a job: its outcome is known.
ENDINGS = (COMPLETED, FAILED, CANCELLED)

Listener = Callable[[object, str], None]


@lru_cache(maxsize=4)
def _resolve(paths: tuple[str, ...]) -> tuple[Listener, ...]:
    return tuple(import_string(path) for path in paths)


def job_listeners() -> tuple[Listener, ...]:
    """The callables of ``settings.JOB_LISTENERS``, imported once per distinct setting value."""
    return _resolve(tuple(getattr(settings, "JOB_LISTENERS", ())))


def job_changed(job, change: str) -> None:
    """Tell every listener, in ``JOB_LISTENERS`` order, that ``job`` went through ``change``.

    ``change`` is one of ``CHANGES``. Called inside the writing transaction,
    after the job row is saved.
    """
    if change not in CHANGES:
        raise ValueError(f"Unknown job change {change!r}; use one of: {', '.join(CHANGES)}.")
    for listener in job_listeners():
        listener(job, change)
