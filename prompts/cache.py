"""The workers' prompt cache: TTL, fallback when the database is unreachable, refresh over Redis pub/sub.

Document 004: workers preload active prompts and rules, keep them for a TTL,
fall back to a bundled set if the database cannot be reached, and drop the
cache at once when an admin broadcasts "Update Prompt Cache".
"""

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.db import DatabaseError

from prompts.snapshot import PromptSnapshot, load_snapshot

logger = logging.getLogger(__name__)

REFRESH_CHANNEL = "ourvidz:prompt-cache:refresh"
FALLBACK_PATH = Path(__file__).resolve().parent / "fallback_prompts.json"
# After a failed load, serve the stale/fallback set this long before asking the database again.
RETRY_AFTER_S = 5.0


def load_fallback(path: Path = FALLBACK_PATH) -> PromptSnapshot:
    """The bundled fallback set, used only when the database cannot be reached."""
    return PromptSnapshot.from_dict(json.loads(path.read_text()), source="fallback")


class PromptCache:
    """A process-wide snapshot with a TTL; thread-safe; invalidated by ``invalidate`` or a broadcast."""

    def __init__(self, loader: Callable[[], PromptSnapshot] = load_snapshot, ttl_s: float | None = None):
        self._loader = loader
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._snapshot: PromptSnapshot | None = None
        self._expires_at = 0.0
        self.loads = 0
        self.invalidations = 0

    @property
    def ttl_s(self) -> float:
        if self._ttl_s is not None:
            return self._ttl_s
        from django.conf import settings

        return float(settings.PROMPT_CACHE_TTL)

    def get(self) -> PromptSnapshot:
        """The current snapshot, reloading when expired; stale or fallback data when the database fails."""
        with self._lock:
            if self._snapshot is not None and time.monotonic() < self._expires_at:
                return self._snapshot
            try:
                self._snapshot = self._loader()
                self._expires_at = time.monotonic() + self.ttl_s
                self.loads += 1
            except DatabaseError as exc:
                logger.warning("prompt cache: database unreachable (%s); serving %s prompts", exc,
                               "stale" if self._snapshot else "fallback")
                if self._snapshot is None:
                    self._snapshot = load_fallback()
                self._expires_at = time.monotonic() + RETRY_AFTER_S
            return self._snapshot

    def invalidate(self) -> None:
        """Drop the snapshot; the next ``get`` reads the database."""
        with self._lock:
            self._expires_at = 0.0
            self.invalidations += 1

    def listen(self, connection, *, poll_s: float = 1.0) -> threading.Thread:
        """Invalidate on every message of ``REFRESH_CHANNEL``; a daemon thread that reconnects on errors."""
        thread = threading.Thread(target=self._listen_forever, args=(connection, poll_s),
                                  name="prompt-cache-listener", daemon=True)
        thread.start()
        return thread

    def _listen_forever(self, connection, poll_s: float, max_backoff_s: float = 30.0) -> None:
        """Reconnect with exponential backoff; one warning when Redis goes, one line when it is back.

        While disconnected the cache still expires after ``ttl_s``, so no broadcast is needed to pick up edits.
        """
        delay, failures = poll_s, 0
        while True:
            try:
                pubsub = connection.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(REFRESH_CHANNEL)
                if failures:
                    logger.warning("prompt cache listener reconnected to Redis after %d failed attempt(s)", failures)
                    self.invalidate()  # a broadcast may have been missed while away
                delay, failures = poll_s, 0
                while True:
                    message = pubsub.get_message(timeout=poll_s)
                    if message is not None:
                        logger.info("prompt cache: refresh broadcast received")
                        self.invalidate()
            except Exception as exc:  # noqa: BLE001 - a listener must outlive Redis restarts
                if failures == 0:
                    logger.warning("prompt cache listener lost Redis (%s); retrying with backoff up to %.0f s",
                                   exc, max_backoff_s)
                failures += 1
                time.sleep(delay)
                delay = min(delay * 2, max_backoff_s)


def broadcast_refresh(connection) -> int:
    """Tell every listening worker to drop its prompt cache; returns how many received it."""
    return connection.publish(REFRESH_CHANNEL, json.dumps({"at": time.time()}))


PROMPT_CACHE = PromptCache()
