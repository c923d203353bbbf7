"""The one place settings read the environment.

Every value comes through ``env``; a required key that is missing raises
``ImproperlyConfigured`` at start-up rather than failing later at first use.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(key: str, default=_MISSING) -> str:
    """Return ``key`` from the environment, or ``default``; raise when required and absent."""
    value = os.environ.get(key)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {key} is required.")
        return default
    return value


def env_bool(key: str, default: bool) -> bool:
    """Parse a boolean flag such as ``DEBUG=true``; anything unrecognised is an error."""
    raw = os.environ.get(key)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{key} must be a boolean (true/false), got {raw!r}.")


def env_list(key: str, default: list[str]) -> list[str]:
    """Parse a comma-separated list such as ``ALLOWED_HOSTS=a.example,b.example``."""
    raw = os.environ.get(key)
    if not raw:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(key: str, default: int) -> int:
    """Parse an integer, naming the variable when it is not one."""
    raw = os.environ.get(key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{key} must be an integer, got {raw!r}.") from exc


def env_url(key: str, default: str = "") -> str:
    """An http(s) URL such as ``ALERT_WEBHOOK_URL=https://hooks.example/abc``, or ``default`` when unset."""
    value = env(key, default)
    if value and not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{key} must be an http:// or https:// URL, got {value!r}.")
    return value
