"""django-rq's dashboard, queue, job and worker pages behind the portal's roles.

django-rq checks only ``is_staff``, so every staff user could empty a queue.
Here every one of its pages needs a permission: the dashboard's figures
(queue depths, worker counts) need ``gpu.view_workerheartbeat``, which every
role has; everything else (job lists and details with tracebacks, and the
actions that empty, requeue, enqueue, stop or delete) needs
``gpu.manage_queues``, which only the admin role has. The same pages are
mounted at ``/admin/rq/`` (``rq_urlpatterns``) and under the admin's
"Django RQ" dashboard link (``QueueDashboardAdmin``). django-rq's JSON and
Prometheus views need a logged-in user with the view permission too (its
``RQ_API_TOKEN`` access is not offered).
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django_rq import models as rq_models
from django_rq.admin import QueueAdmin
from django_rq.urls import get_admin_urlpatterns, get_api_urlpatterns
from rq.exceptions import NoSuchJobError

VIEW_PERMISSION = "gpu.view_workerheartbeat"
MANAGE_PERMISSION = "gpu.manage_queues"
# The django-rq pages that show figures only: the dashboard, its JSON and Prometheus metrics.
READ_ONLY_PAGES = frozenset({"home", "home_json", "metrics"})


def _guarded(view, permission: str, admin_site, current_app: str | None):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        if current_app:
            request.current_app = current_app  # django-rq reverses its links in this namespace
        try:
            return view(request, *args, **kwargs)
        except (NoSuchJobError, ImproperlyConfigured, LookupError, ValueError):
            # django-rq raises these for a job, worker, queue or scheduler that is not there (or not installed).
            raise Http404("No such queue, job, worker or scheduler.") from None

    return admin_site.admin_view(guarded)


def rq_urlpatterns(*, name_prefix: str = "", admin_site=None) -> list:
    """django-rq's admin pages, each behind ``admin_view`` and the permission its page needs.

    With ``admin_site``, the pages are the ones mounted inside that site (their
    links stay there); without it, the standalone ``django_rq`` namespace.
    """
    site = admin_site or admin.site
    current_app = admin_site.name if admin_site else None
    patterns = get_api_urlpatterns(name_prefix=name_prefix) + get_admin_urlpatterns(name_prefix=name_prefix)
    for pattern in patterns:
        page = pattern.name.removeprefix(name_prefix)
        permission = VIEW_PERMISSION if page in READ_ONLY_PAGES else MANAGE_PERMISSION
        pattern.callback = _guarded(pattern.callback, permission, site, current_app)
    return patterns


class QueueDashboardAdmin(QueueAdmin):
    """The admin's "Django RQ" entry: the dashboard for every role, the rest for admins."""

    def has_module_permission(self, request):
        return request.user.has_perm(VIEW_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(MANAGE_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return rq_urlpatterns(name_prefix="django_rq_", admin_site=self.admin_site) + admin.ModelAdmin.get_urls(self)


if admin.site.is_registered(rq_models.Dashboard):
    admin.site.unregister(rq_models.Dashboard)
admin.site.register(rq_models.Dashboard, QueueDashboardAdmin)
