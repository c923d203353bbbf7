"""Per-user request throttling whose rate is read from settings on every request (so tests can override it)."""

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class PortalUserThrottle(UserRateThrottle):
    """``settings.API_THROTTLE_RATE`` requests per user (or per IP when anonymous), e.g. ``600/min``."""

    def get_rate(self):
        return settings.API_THROTTLE_RATE
