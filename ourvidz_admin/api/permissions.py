"""Who may call what: staff only, then the model's Django permissions, or named ones for actions.

Reads need the model's ``view_`` permission (DRF's DjangoModelPermissions
lets any GET through), writes ``add_``/``change_``/``delete_``; actions such
as rating or retrying name their permission explicitly (``require``).
"""

from rest_framework.permissions import BasePermission, DjangoModelPermissions

_VIEW = ["%(app_label)s.view_%(model_name)s"]


def _is_staff(request) -> bool:
    user = request.user
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class IsStaff(BasePermission):
    """An active, logged-in staff account (the roles are all staff)."""

    message = "The API is for staff accounts."

    def has_permission(self, request, view):
        return _is_staff(request)


class StaffModelPermissions(DjangoModelPermissions):
    """Staff, plus view/add/change/delete on the view's model according to the method."""

    perms_map = {
        "GET": _VIEW,
        "HEAD": _VIEW,
        "OPTIONS": _VIEW,
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        return _is_staff(request) and super().has_permission(request, view)


def require(*perms: str) -> type[BasePermission]:
    """A permission class granting staff who hold every one of ``perms`` (e.g. ``generations.rate_job``)."""

    class RequiredPermissions(BasePermission):
        message = f"You need the permission(s): {', '.join(perms)}."

        def has_permission(self, request, view):
            return _is_staff(request) and request.user.has_perms(perms)

    RequiredPermissions.__name__ = RequiredPermissions.__qualname__ = "Require_" + "_".join(
        p.replace(".", "_") for p in perms
    )
    return RequiredPermissions
