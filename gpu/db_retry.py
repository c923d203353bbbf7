"""Database writes of a running job that survive a lost connection (PostgreSQL restarted, a failover).

A job's result is worth keeping when the database blinks: the write is
retried on a fresh connection, with backoff, for ``WORKER_DB_RETRY_S``
seconds. Each wrapped write is one transaction that checks the job is still
processing, so a retry after a commit whose reply was lost changes nothing.
"""

import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

CONNECTION_ERRORS = (OperationalError, InterfaceError)


def db_retry(write, /, *args, **kwargs):
    """``write(*args, **kwargs)``, retried on a new connection while the database is unreachable.

    Re-raises the last error after ``WORKER_DB_RETRY_S`` seconds, or at once
    inside an open transaction (its work is lost with the connection).
    """
    deadline = time.monotonic() + settings.WORKER_DB_RETRY_S
    delay = 0.2
    while True:
        try:
            return write(*args, **kwargs)
        except CONNECTION_ERRORS as exc:
            if connection.in_atomic_block or time.monotonic() + delay > deadline:
                raise
            logger.warning("database write %s failed (%s); retrying in %.1f s", write.__name__, exc, delay)
            try:
                connection.close()
            except CONNECTION_ERRORS:  # a broken connection may fail to close; Django drops it either way
                pass
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
