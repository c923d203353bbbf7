"""The prompt library of document 002 (prompts, agents, mappings) and the versioned prompts of 001."""

from datetime import timedelta

from django.utils import timezone

from demo.keys import demo_uuid, insert_missing
from prompts.models import Agent, AgentPrompt, Prompt, PromptTag, PromptVersion, PromptVersionTag

_ENHANCE = (
    "You are a prompt engineer for {target}. Rewrite the user's short idea into one detailed prompt: "
    "subject first, then setting, composition, lighting, colour palette, lens and mood. Keep every element "
    "the user asked for, invent nothing that contradicts it, and answer with the prompt only."
)
# (slug, display name, domain, complexity, status, system prompt, user template)
PROMPTS = (
    ("sdxl-prompt-enhancer", "SDXL prompt enhancer", "image-generation", "advanced", "active",
     _ENHANCE.format(target="SDXL image generation"), "Idea: {prompt}\nDetailed SDXL prompt:"),
    ("wan-prompt-enhancer", "WAN prompt enhancer", "video-generation", "advanced", "active",
     _ENHANCE.format(target="WAN text-to-video") + " Describe camera movement and motion over time.",
     "Idea: {prompt}\nDetailed video prompt:"),
    ("sdxl-negative-builder", "SDXL negative prompt builder", "image-generation", "intermediate", "active",
     "List the visual defects to avoid for the given SDXL prompt as a comma-separated negative prompt.",
     "Prompt: {prompt}\nNegative prompt:"),
    ("compel-weight-suggester", "Compel weight suggester", "image-generation", "expert", "active",
     "Suggest Compel weights (quality, detail, style 0.5-2.0) that emphasise the key subject of the prompt.",
     "Prompt: {prompt}\nReturn JSON weights:"),
    ("wan-motion-director", "WAN motion director", "video-generation", "advanced", "active",
     "Describe a single continuous shot: camera path, subject motion, pacing. Avoid cuts and text overlays.",
     "Scene: {prompt}\nShot description:"),
    ("portrait-lighting-guide", "Portrait lighting guide", "photography", "intermediate", "active",
     "Add studio or natural lighting details (key, fill, rim, colour temperature) suited to a portrait.",
     "Portrait idea: {prompt}"),
    ("product-shot-stylist", "Product shot stylist", "e-commerce", "intermediate", "active",
     "Turn a product description into a clean catalogue shot prompt: backdrop, props, reflections, angle.",
     "Product: {prompt}"),
    ("storyboard-shot-planner", "Storyboard shot planner", "video-generation", "advanced", "draft",
     "Split a short story beat into 3-5 shots with framing and motion notes for WAN.", "Beat: {prompt}"),
    ("prompt-safety-reviewer", "Prompt safety reviewer", "moderation", "intermediate", "active",
     "Classify the prompt against the content policy and explain any rule it would break.",
     "Prompt: {prompt}\nVerdict:"),
    ("caption-to-prompt", "Caption to prompt", "image-generation", "basic", "active",
     "Convert an image caption into a generation prompt with style and quality cues.", "Caption: {prompt}"),
    ("prompt-failure-triage", "Prompt failure triage", "operations", "advanced", "active",
     "Given a failed job's prompt, parameters and error, name the likely cause and a fix.",
     "Job: {job}\nError: {error}"),
    ("admin-assistant-sql", "Admin assistant (analytics)", "admin", "expert", "draft",
     "Answer portal users' questions about job statistics in plain language; never invent figures.",
     "Question: {question}"),
    ("character-sheet-writer", "Character sheet writer", "characters", "intermediate", "active",
     "Write a consistent base prompt for a recurring character: face, hair, wardrobe, palette.",
     "Character notes: {notes}"),
    ("style-transfer-describer", "Style transfer describer", "image-to-image", "intermediate", "deprecated",
     "Describe the target style for an image-to-image pass without changing the composition.",
     "Reference style: {style}"),
    ("roleplay-narrator", "Storybuilder narrator", "chat", "basic", "archived",
     "Narrate the next scene of a collaborative story in two short paragraphs.", "Story so far: {story}"),
)
# (slug, display name, category, [prompt slugs, the first primary])
AGENTS = (
    ("prompt-enhancer", "Prompt enhancer", "enhancement",
     ["sdxl-prompt-enhancer", "wan-prompt-enhancer", "caption-to-prompt"]),
    ("negative-prompt-agent", "Negative prompt agent", "enhancement",
     ["sdxl-negative-builder", "sdxl-prompt-enhancer"]),
    ("compel-tuner", "Compel tuner", "enhancement", ["compel-weight-suggester", "sdxl-prompt-enhancer"]),
    ("video-director", "Video director", "video",
     ["wan-motion-director", "wan-prompt-enhancer", "storyboard-shot-planner"]),
    ("moderation-agent", "Moderation agent", "safety", ["prompt-safety-reviewer", "prompt-failure-triage"]),
    ("admin-copilot", "Admin copilot", "admin", ["admin-assistant-sql", "prompt-failure-triage"]),
    ("character-builder", "Character builder", "characters",
     ["character-sheet-writer", "portrait-lighting-guide", "style-transfer-describer"]),
    ("storyboard-agent", "Storyboard agent", "video",
     ["storyboard-shot-planner", "roleplay-narrator", "wan-motion-director"]),
)
TAGS = (
    ("portrait", "#e07a5f"), ("landscape", "#3d405b"), ("lighting", "#f2cc8f"), ("cinematic", "#81b29a"),
    ("product", "#6d597a"), ("motion", "#118ab2"), ("negative", "#ef476f"), ("experimental", "#ffd166"),
    ("production", "#06d6a0"), ("character", "#8338ec"),
)
# (prompt slug, model, tags, [change note per version]); versions whose note starts with "x " are soft-deleted.
CHAINS = (
    ("sdxl-prompt-enhancer", "qwen2.5-7b-base", ("production", "portrait"),
     ["first cut", "x longer outputs (reverted)", "lens and lighting slots", "keep user nouns verbatim",
      "tighter length target"]),
    ("wan-prompt-enhancer", "qwen2.5-7b-base", ("motion", "cinematic", "production"),
     ["first cut", "camera path sentence", "x per-second beats (too slow)", "motion verbs first"]),
    ("portrait-lighting-guide", "sdxl-lustify-v2", ("portrait", "lighting"),
     ["three-point lighting", "rim light and colour temperature", "window light variant"]),
    ("product-shot-stylist", "sdxl-lustify-v2", ("product",),
     ["white seamless", "x gradient backdrop", "props and reflections"]),
    ("storyboard-shot-planner", "qwen2.5-7b-instruct", ("cinematic", "experimental"), ["shot list", "framing notes"]),
    ("caption-to-prompt", "qwen2.5-7b-instruct", ("landscape",), ["plain rewrite", "style cues", "quality cues"]),
    ("character-sheet-writer", "qwen2.5-7b-instruct", ("character",), ["face and hair", "wardrobe and palette"]),
    ("compel-weight-suggester", "qwen2.5-7b-instruct", ("experimental", "negative"),
     ["fixed weights", "subject emphasis", "x style boost 2.0"]),
)


def seed_library(users: list) -> dict[str, int]:
    """Insert the missing prompts, agents, agent-prompt links, tags, versions and version tags."""
    now = timezone.now()
    prompts = [
        Prompt(
            id=demo_uuid("prompt", slug), name=slug, display_name=title, domain=domain, complexity_level=level,
            status=status, system_prompt=system, user_prompt_template=template, prompt_starter=title + ":",
            description=f"{title} for the {domain} domain.", compliance_tags=["sfw", domain],
            metadata={"owner": users[n % len(users)].username}, created_by=users[n % len(users)],
            created_at=now - timedelta(days=60 - n * 2),
        )
        for n, (slug, title, domain, level, status, system, template) in enumerate(PROMPTS)
    ]
    counts = {"prompts": insert_missing(Prompt, prompts, ("name",))}
    prompt_ids = dict(Prompt.objects.values_list("name", "pk"))
    agents = [
        Agent(id=demo_uuid("agent", slug), name=slug, display_name=title, category=category,
              description=f"{title}: uses {', '.join(slugs)}.", created_at=now - timedelta(days=50))
        for slug, title, category, slugs in AGENTS
    ]
    counts["agents"] = insert_missing(Agent, agents, ("name",))
    agent_ids = dict(Agent.objects.values_list("name", "pk"))
    links = [
        AgentPrompt(id=demo_uuid("agent-prompt", f"{slug}/{prompt}"), agent_id=agent_ids[slug],
                    prompt_id=prompt_ids[prompt], is_primary=position == 0, created_at=now - timedelta(days=49))
        for slug, _title, _category, slugs in AGENTS for position, prompt in enumerate(slugs)
    ]
    counts["agent_prompts"] = insert_missing(AgentPrompt, links, ("agent", "prompt"))
    tags = [PromptTag(id=demo_uuid("tag", name), name=name, color=color) for name, color in TAGS]
    counts["tags"] = insert_missing(PromptTag, tags, ("name",))
    counts.update(_seed_versions(users, prompt_ids, now))
    return counts


def _version_rows(users, prompt_ids, now):
    library = {slug: (system, template) for slug, _t, _d, _l, _s, system, template in PROMPTS}
    versions, links = [], []
    for chain_no, (slug, model, tags, notes) in enumerate(CHAINS):
        parent = None
        for number, note in enumerate(notes, start=1):
            deleted = note.startswith("x ")
            note = note.removeprefix("x ")
            system, template = library[slug]
            created = now - timedelta(days=45 - chain_no - number * 6, hours=number * 3)
            version = PromptVersion(
                id=demo_uuid("prompt-version", f"{slug}/v{number}"), prompt_id=prompt_ids[slug],
                name=f"{slug} v{number}", description=f"v{number}: {note}.",
                system_prompt=f"{system}\n\nRevision note: {note}.", user_prompt=template, model_name=model,
                parameters={"temperature": round(0.5 + 0.05 * number, 2), "top_p": 0.9, "max_new_tokens": 512},
                parent_version_id=parent, created_by=users[(chain_no + number) % len(users)], created_at=created,
                deleted_at=created + timedelta(days=2) if deleted else None,
            )
            versions.append(version)
            links += [(version.id, tag) for tag in tags]
            if not deleted:  # a deleted version is a dead end: the next one derives from its parent
                parent = version.id
    return versions, links


def _seed_versions(users, prompt_ids, now) -> dict[str, int]:
    versions, pairs = _version_rows(users, prompt_ids, now)
    # Parents come first in each chain, so one ordered bulk insert satisfies the self-reference.
    inserted = insert_missing(PromptVersion, versions, unchecked=("parent_version",))
    tag_ids = dict(PromptTag.objects.values_list("name", "pk"))
    links = [
        PromptVersionTag(id=demo_uuid("prompt-version-tag", f"{version}/{tag}"), prompt_version_id=version,
                         tag_id=tag_ids[tag])
        for version, tag in pairs
    ]
    return {"prompt_versions": inserted, "prompt_version_tags": insert_missing(
        PromptVersionTag, links, ("prompt_version", "tag"))}


def version_ids() -> list:
    """Ids of the demo prompt versions that jobs may reference (soft-deleted ones included: history)."""
    ids = [demo_uuid("prompt-version", f"{slug}/v{n}") for slug, _m, _t, notes in CHAINS
           for n in range(1, len(notes) + 1)]
    existing = set(PromptVersion.objects.filter(pk__in=ids).values_list("pk", flat=True))
    return [pk for pk in ids if pk in existing]
