"""Who may run what: the content policy (``BlockedTerm`` rows of a content mode) and users' tiers."""

import re

from django.conf import settings

from prompts.choices import ContentMode
from prompts.models import BlockedTerm, UserTierAssignment


def blocked_terms(content_mode: str) -> list[str]:
    """Active terms that apply to ``content_mode`` (``sfw``/``nsfw``): its own and those for any mode."""
    return list(BlockedTerm.objects.filter(is_active=True, content_mode__in=(content_mode, ContentMode.ANY))
                .order_by("term").values_list("term", flat=True))


def blocked_term_in(text: str, terms: list[str]) -> str | None:
    """The first of ``terms`` found in ``text`` as whole words (any case), or None."""
    for term in terms:
        if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text or "", flags=re.IGNORECASE):
            return term
    return None


def user_tier(user) -> tuple[str, str]:
    """``user``'s tier and where it comes from: ``("pro", "user")`` from its ``UserTierAssignment``, else
    ``(settings.DEFAULT_USER_TIER, "default")``."""
    if user is not None and getattr(user, "pk", None):
        assigned = UserTierAssignment.objects.filter(user_id=user.pk).values_list("tier", flat=True).first()
        if assigned:
            return assigned, "user"
    return settings.DEFAULT_USER_TIER, "default"
