"""The access roles of the guide (admin, moderator, viewer) as Django groups with permissions.

``user_roles`` of document 000 becomes group membership: a user's role is the
group they belong to. ``sync_roles`` is idempotent; it runs in a data
migration and again after every ``migrate`` so new models join the roles.
"""

PORTAL_APPS = ("prompts", "generations", "analytics", "configs", "gpu")

ADMIN, MODERATOR, VIEWER = "admin", "moderator", "viewer"
ROLES = (ADMIN, MODERATOR, VIEWER)

# Beyond "view everything", what a moderator may do: rate, annotate, retry, cancel, handle alerts.
MODERATOR_EXTRA = {
    ("generations", "change_job"), ("generations", "rate_job"), ("generations", "retry_job"),
    ("generations", "cancel_job"), ("generations", "export_job"),
    ("generations", "add_generationimagerating"), ("generations", "change_generationimagerating"),
    ("analytics", "change_prompttestresult"), ("generations", "change_trackedprompt"),
    ("analytics", "change_enhancedprompttest"),
    ("analytics", "change_alert"),  # acknowledge and resolve alerts
}


def _role_permissions(role: str, permissions) -> list:
    if role == ADMIN:
        return [p for p in permissions if p.content_type.app_label in (*PORTAL_APPS, "auth")]
    portal = [p for p in permissions if p.content_type.app_label in PORTAL_APPS]
    granted = [p for p in portal if p.codename.startswith("view_")]
    if role == MODERATOR:
        granted += [p for p in portal if (p.content_type.app_label, p.codename) in MODERATOR_EXTRA]
    return granted


def sync_roles(group_model, permission_model) -> None:
    """Create the three groups and set exactly the permissions each role grants."""
    permissions = list(permission_model.objects.select_related("content_type"))
    for role in ROLES:
        group, _created = group_model.objects.get_or_create(name=role)
        group.permissions.set(_role_permissions(role, permissions))
