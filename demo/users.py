"""The demo staff accounts and their roles (Django groups created by a migration)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from configs.roles import ADMIN, MODERATOR, VIEWER
from prompts.models import UserTierAssignment

# (username, first name, last name, role)
DEMO_USERS = (
    ("maya.prompt", "Maya", "Okafor", ADMIN),
    ("li.ml", "Li", "Wen", ADMIN),
    ("sam.render", "Sam", "Becker", MODERATOR),
    ("priya.eval", "Priya", "Raman", MODERATOR),
    ("tomas.video", "Tomás", "Silva", MODERATOR),
    ("aiko.style", "Aiko", "Tanaka", VIEWER),
    ("jonas.ops", "Jonas", "Lind", VIEWER),
    ("nora.qa", "Nora", "Haddad", VIEWER),
)
REVIEWER_ROLES = (ADMIN, MODERATOR)
# Tiers of some demo users (the others have DEFAULT_USER_TIER): their jobs use the rows of model_parameters by tier.
DEMO_TIERS = {"maya.prompt": "admin", "li.ml": "pro", "sam.render": "premium", "priya.eval": "starter"}


def seed_users() -> dict[str, object]:
    """Create the missing demo users (staff, unusable password) and put each in its role's group.

    Returns ``{username: user}`` in the order of ``DEMO_USERS``.
    """
    user_model = get_user_model()
    groups = {group.name: group for group in Group.objects.filter(name__in=(ADMIN, MODERATOR, VIEWER))}
    users = {}
    for username, first, last, role in DEMO_USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(
                username=username, first_name=first, last_name=last,
                email=f"{username}@ourvidz.local", is_staff=True,
            )
            user.set_unusable_password()
            user.save()
        if role in groups:
            user.groups.add(groups[role])
        users[username] = user
    UserTierAssignment.objects.bulk_create(
        [UserTierAssignment(user=users[name], tier=tier) for name, tier in DEMO_TIERS.items()], ignore_conflicts=True)
    return users


def reviewers(users: dict[str, object]) -> list:
    """The users whose role lets them rate jobs (admins and moderators)."""
    return [users[name] for name, _first, _last, role in DEMO_USERS if role in REVIEWER_ROLES]
