"""What job building needs from the library and config rows, loaded once per run."""

from dataclasses import dataclass
from uuid import UUID

from configs.models import CompelConfig, EnhancedModelConfig
from demo import dynamic, library
from demo.users import DEMO_USERS, REVIEWER_ROLES
from prompts.models import Agent, Character, Prompt, PromptTemplate

# How often each Compel configuration is picked (by name); the guide's defaults dominate.
COMPEL_SHARES = {"Default weights": 30, "Quality heavy": 12, "Detail heavy": 10, "Style forward": 8,
                 "Neutral 1.0": 8, "Soft touch": 5, "Portrait tuned": 10, "Landscape tuned": 8, "Max push": 4,
                 "Minimal": 5}


@dataclass(frozen=True)
class DemoContext:
    """Primary keys and texts that demo jobs and their related rows point at."""

    user_ids: tuple[int, ...]
    reviewer_ids: tuple[int, ...]
    version_ids: tuple[UUID, ...]
    characters: tuple[tuple[UUID, str, str], ...]  # (id, slug, base prompt)
    active_configs: dict[str, UUID]  # model type -> active EnhancedModelConfig id
    compel: tuple[tuple[UUID, dict, str, float], ...]  # (id, weights, hash, share)
    prompt_ids: dict[str, UUID]  # library prompt slug -> id
    agent_ids: dict[str, UUID]
    template_ids: dict[str, UUID]  # demo template key -> id of its active version
    template_versions: dict[str, int]


def load_context(users: dict) -> DemoContext:
    """Read the ids the job builder needs; call after the library and config rows exist."""
    roles = {name: role for name, _first, _last, role in DEMO_USERS}
    compel = [
        (pk, weights, digest, COMPEL_SHARES.get(name, 5))
        for pk, weights, digest, name in CompelConfig.objects.order_by("config_name", "pk").values_list(
            "pk", "weights", "config_hash", "config_name")
        if name in COMPEL_SHARES
    ]
    slugs = [row[0] for row in dynamic.CHARACTERS]
    characters = {slug: (pk, slug, base) for pk, slug, base in Character.objects.filter(slug__in=slugs).values_list(
        "pk", "slug", "base_prompt")}
    active = {row[:4]: row[4:] for row in PromptTemplate.objects.filter(is_active=True).values_list(
        "model_family", "use_case", "template_type", "content_mode", "pk", "version")}
    templates = {key: active[(family, use_case, kind, mode)] for key, _name, family, use_case, kind, mode, _c
                 in dynamic.TEMPLATES if (family, use_case, kind, mode) in active}
    return DemoContext(
        user_ids=tuple(user.pk for user in users.values()),
        reviewer_ids=tuple(user.pk for name, user in users.items() if roles.get(name) in REVIEWER_ROLES),
        version_ids=tuple(library.version_ids()),
        characters=tuple(characters[slug] for slug in slugs if slug in characters),
        active_configs=dict(EnhancedModelConfig.objects.filter(is_active=True).values_list("model_type", "pk")),
        compel=tuple(compel),
        prompt_ids=dict(Prompt.objects.values_list("name", "pk")),
        agent_ids=dict(Agent.objects.values_list("name", "pk")),
        template_ids={key: pk for key, (pk, _version) in templates.items()},
        template_versions={key: version for key, (_pk, version) in templates.items()},
    )

