"""Redis outages on pages: a saved change is reported as saved, anything else as a clear 503, never a 500."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from redis.exceptions import RedisError

from ourvidz_admin.queues import QueueUnavailable

UNAVAILABLE = "The job queue is unavailable; try again when it is back."


class QueueUnavailableMiddleware:
    """Turn ``QueueUnavailable`` (raised after the rows were committed) into a warning on the page the
    user came from, and a bare ``RedisError`` into a 503 that says what is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, QueueUnavailable):
            messages.warning(request, str(exception))
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
                back = request.path if request.method == "GET" else "/admin/"
            return HttpResponseRedirect(back or request.path)
        if isinstance(exception, RedisError):
            return HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
        return None
