"""Dynamic prompting rows of document 004: templates, rules, characters and model parameters."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from configs.models import LoRA
from demo.failures import DEMO_BLOCKED_TERMS
from demo.keys import demo_uuid, insert_missing
from prompts.models import BlockedTerm, Character, ModelParameters, PromptRule, PromptTag, PromptTemplate

SDXL_NEGATIVE = ("blurry, lowres, jpeg artifacts, watermark, signature, text, cropped, extra fingers, "
                 "deformed hands, bad anatomy, duplicate, oversaturated")
WAN_NEGATIVE = ("static frame, flicker, jitter, morphing faces, warped limbs, frame blending, blurry motion, "
                "watermark, subtitles, sudden cuts, low frame consistency")
_REWRITE = ("Rewrite the user's idea as one {target} prompt of about {length} characters. Order: subject, "
            "setting, {extra}, lighting, palette, mood, quality cues. Keep the user's nouns; add no people or "
            "objects they did not ask for. Output the prompt only.")
_POLICY = "Adult-content policy: follow the account's verified settings and the service terms; refuse anything illegal."
# (key, name, family, use case, type, mode, [content per version]); the last version is the active one.
# A model's "rewrite" template is the system prompt Qwen uses when enhancing for that model; a diffusion
# model's "system" template is the preamble of its final prompt (prompts/resolution.py).
TEMPLATES = (
    ("qwen-enhance-system", "Qwen enhancer system prompt", "qwen_base", "enhancement", "system", "any",
     ["You expand short prompts for image and video models.",
      "You are a visual prompt writer. Expand short ideas into vivid, concrete prompts; never refuse style "
      "requests, never add text overlays, answer in English."]),
    ("qwen-enhance-system-nsfw", "Qwen enhancer system prompt (adult mode)", "qwen_base", "enhancement", "system",
     "nsfw", [_POLICY + " Otherwise expand prompts exactly as in SFW mode."]),
    ("qwen-rewrite-sdxl", "Qwen rewrite → SDXL", "sdxl", "text_to_image", "rewrite", "any",
     [_REWRITE.format(target="SDXL", length=800, extra="composition"),
      _REWRITE.format(target="SDXL", length=1500, extra="composition and lens"),
      _REWRITE.format(target="SDXL", length=1200, extra="composition, lens and depth of field")]),
    ("qwen-rewrite-wan", "Qwen rewrite → WAN", "wan", "text_to_video", "rewrite", "any",
     [_REWRITE.format(target="WAN text-to-video", length=900, extra="action"),
      _REWRITE.format(target="WAN text-to-video", length=1200, extra="camera path, subject motion and pacing")]),
    ("sdxl-t2i-system", "SDXL text-to-image system", "sdxl", "text_to_image", "system", "any",
     ["photorealistic, natural skin texture, coherent hands"]),
    ("sdxl-t2i-negative-sfw", "SDXL negative (SFW)", "sdxl", "text_to_image", "negative", "sfw",
     ["blurry, lowres, watermark, text", SDXL_NEGATIVE + ", nudity, suggestive"]),
    ("sdxl-t2i-negative-nsfw", "SDXL negative (adult mode)", "sdxl", "text_to_image", "negative", "nsfw",
     [SDXL_NEGATIVE + ", minors, non-consensual themes"]),
    ("sdxl-i2i-rewrite", "SDXL image-to-image rewrite", "sdxl", "image_to_image", "rewrite", "any",
     ["Describe only what should change relative to the reference image; keep composition and pose."]),
    ("sdxl-i2i-negative", "SDXL image-to-image negative", "sdxl", "image_to_image", "negative", "any",
     [SDXL_NEGATIVE + ", composition drift, different person"]),
    ("wan-t2v-system", "WAN text-to-video system", "wan", "text_to_video", "system", "any",
     ["One continuous shot, 480p.", "One continuous shot at 480p, steady camera unless asked, smooth motion, "
      "consistent identity from first to last frame."]),
    ("wan-t2v-negative", "WAN text-to-video negative", "wan", "text_to_video", "negative", "any", [WAN_NEGATIVE]),
    ("wan-i2v-system", "WAN image-to-video system", "wan", "image_to_video", "system", "any",
     ["Animate the reference image: keep its framing and identity, add gentle natural motion."]),
    ("wan-i2v-negative", "WAN image-to-video negative", "wan", "image_to_video", "negative", "any",
     [WAN_NEGATIVE + ", identity change"]),
    ("qwen-chat-sfw", "Storybuilder chat (SFW)", "qwen_instruct", "chat", "chat", "sfw",
     ["You are a friendly co-writer. Keep scenes short, ask one question at the end of each reply."]),
    ("qwen-chat-nsfw", "Storybuilder chat (adult mode)", "qwen_instruct", "chat", "chat", "nsfw",
     [_POLICY + " Keep the co-writer tone of the SFW template."]),
    ("qwen-admin-assistant", "Admin assistant system", "qwen_instruct", "admin_assistant", "system", "any",
     ["Answer questions about jobs, prompts and models from the figures you are given; say when data is missing."]),
)
# Which Compel weight scales a rule under the compel and hybrid strategies.
WEIGHT_GROUPS = {"quality-tail": "quality", "portrait-lens": "detail", "negative-hands": "detail",
                 "cinematic-grade": "style", "film-grain": "style", "golden-hour": "style"}
# (key, name, type, content, family, mode, tags, priority, active)
RULES = (
    ("quality-tail", "Quality tail", "append", "masterpiece, best quality, highly detailed", "sdxl", "any",
     ("production",), 10, True),
    ("cinematic-grade", "Cinematic grade", "append", "cinematic colour grading, anamorphic bokeh", "", "any",
     ("cinematic",), 20, True),
    ("portrait-lens", "Portrait lens", "append", "85mm lens, f/1.8, shallow depth of field", "sdxl", "any",
     ("portrait",), 30, True),
    ("soft-key-light", "Soft key light", "append", "soft key light, subtle rim light", "", "any",
     ("lighting", "portrait"), 40, True),
    ("golden-hour", "Golden hour", "append", "golden hour, warm low sun", "", "sfw", ("lighting", "landscape"),
     45, True),
    ("product-backdrop", "Product backdrop", "prepend", "studio product photo on seamless backdrop,", "sdxl", "any",
     ("product",), 15, True),
    ("steady-camera", "Steady camera", "append", "smooth steady camera, no cuts", "wan", "any", ("motion",), 10, True),
    ("slow-motion", "Slow motion", "append", "slow motion, 0.5x speed feel", "wan", "any", ("motion", "cinematic"),
     50, True),
    ("character-lock", "Character lock", "prepend", "same character throughout,", "", "any", ("character",), 5, True),
    ("adult-policy-note", "Adult-mode policy note", "prepend", "adult-content policy applies,", "qwen_base", "nsfw",
     (), 1, True),
    ("film-grain", "Film grain (experiment)", "append", "subtle 35mm film grain", "sdxl", "any",
     ("experimental",), 90, False),
    ("negative-hands", "Hands fix", "append", "anatomically correct hands", "sdxl", "sfw", ("negative",), 60, True),
)
_LORA = "loras/{}.safetensors"
# (slug, name, base prompt, tags, defaults, [(lora, weight)])
CHARACTERS = (
    ("ava-lighthouse", "Ava, lighthouse keeper", "woman in her thirties, auburn braid, navy wool coat, freckles",
     ("character", "portrait"), {"guidance_scale": 6.5}, [("film-grain-v2", 0.7)]),
    ("kenji-chef", "Kenji, night-market chef", "middle-aged man, short grey hair, white chef jacket, warm smile",
     ("character",), {"num_inference_steps": 30}, [("street-food-light", 0.6)]),
    ("mira-astronaut", "Mira, astronaut", "young woman in a white EVA suit, reflective visor, mission patches",
     ("character", "cinematic"), {"guidance_scale": 7.0}, [("retro-space-v1", 0.8), ("film-grain-v2", 0.4)]),
    ("oskar-cyclist", "Oskar, courier cyclist", "lean man, yellow rain jacket, messenger bag, fixed-gear bike",
     ("character", "motion"), {"frame_count": 48}, [("motion-blur-lite", 0.5)]),
    ("lena-botanist", "Lena, botanist", "woman with round glasses, linen apron, greenhouse plants",
     ("character", "portrait"), {}, [("soft-focus-v3", 0.65)]),
    ("rex-robot", "Rex, tin robot", "small vintage tin robot, dented red paint, wind-up key",
     ("character", "product"), {"guidance_scale": 8.0}, [("toy-photo-v1", 0.9)]),
)


def seed_dynamic(users: list) -> dict[str, int]:
    """Insert the missing templates, rules (with tags), characters (with tags) and model parameters."""
    now = timezone.now()
    tags = dict(PromptTag.objects.values_list("name", "pk"))
    counts = {"prompt_templates": insert_missing(PromptTemplate, _templates(users, now), (
        "model_family", "use_case", "template_type", "content_mode", "version"))}
    rules = [
        PromptRule(id=demo_uuid("rule", key), name=name, rule_type=kind, content=content, model_family=family,
                   content_mode=mode, priority=priority, is_active=active, created_at=now - timedelta(days=40),
                   weight_group=WEIGHT_GROUPS.get(key, ""),
                   description=f"Injected when a prompt carries {', '.join(tag_names) or 'adult mode'}.")
        for key, name, kind, content, family, mode, tag_names, priority, active in RULES
    ]
    counts["prompt_rules"] = insert_missing(PromptRule, rules)
    for key, *_rest, tag_names, _priority, _active in RULES:
        PromptRule.tags.through.objects.bulk_create(
            [PromptRule.tags.through(promptrule_id=demo_uuid("rule", key), prompttag_id=tags[t]) for t in tag_names],
            ignore_conflicts=True)
    characters = [
        Character(id=demo_uuid("character", slug), name=name, slug=slug, base_prompt=base, defaults=defaults,
                  description=f"Recurring demo persona: {name}.", negative_prompt="different face, age change",
                  loras=[{"name": lora, "path": _LORA.format(lora), "weight": weight} for lora, weight in loras],
                  created_by=users[n % len(users)], created_at=now - timedelta(days=35 - n))
        for n, (slug, name, base, _tags, defaults, loras) in enumerate(CHARACTERS)
    ]
    counts["characters"] = insert_missing(Character, characters, ("slug",))
    character_ids = dict(Character.objects.values_list("slug", "pk"))
    for slug, _name, _base, tag_names, _defaults, _loras in CHARACTERS:
        Character.tags.through.objects.bulk_create(
            [Character.tags.through(character_id=character_ids[slug], prompttag_id=tags[t]) for t in tag_names],
            ignore_conflicts=True)
    counts["model_parameters"] = _seed_parameters(character_ids)
    lora_names = sorted({lora for *_rest, loras in CHARACTERS for lora, _weight in loras})
    counts["loras"] = insert_missing(LoRA, [
        LoRA(id=demo_uuid("lora", name), name=name, path=_LORA.format(name), model_family="sdxl", is_active=False,
             description="Demo entry for the characters: point the path at real weights on the workers, then "
                         "activate it.")
        for name in lora_names], ("name",))
    counts["blocked_terms"] = insert_missing(BlockedTerm, [
        BlockedTerm(id=demo_uuid("blocked-term", term), term=term, content_mode="sfw", note="Demo content policy.")
        for term in DEMO_BLOCKED_TERMS])
    return counts


def _templates(users, now) -> list[PromptTemplate]:
    # A template someone already activated stays the active one; ours then go in inactive.
    taken = set(PromptTemplate.objects.filter(is_active=True).values_list(
        "model_family", "use_case", "template_type", "content_mode"))
    rows = []
    for n, (key, name, family, use_case, kind, mode, contents) in enumerate(TEMPLATES):
        for version, content in enumerate(contents, start=1):
            rows.append(PromptTemplate(
                id=demo_uuid("template", f"{key}/v{version}"), name=name, model_family=family, use_case=use_case,
                template_type=kind, content_mode=mode, content=content, version=version,
                is_active=version == len(contents) and (family, use_case, kind, mode) not in taken,
                created_by=users[n % len(users)],
                description=f"{name}, version {version}" + (" (active)" if version == len(contents) else ""),
                created_at=now - timedelta(days=30 + 8 * (len(contents) - version), hours=n),
            ))
    return rows


def rule_ids(family: str, tags: set[str]) -> list[str]:
    """Ids (as text) of the active demo rules that apply to ``family`` and share a tag with ``tags``."""
    return [str(demo_uuid("rule", key)) for key, _n, _k, _c, fam, mode, tag_names, _p, active in RULES
            if active and fam in ("", family) and mode != "nsfw" and tags.intersection(tag_names)]


def _seed_parameters(character_ids: dict) -> int:
    d = Decimal
    rows = [  # (family, tier, character slug, values)
        ("sdxl", "", None, {"guidance_scale": d("7.5"), "num_inference_steps": 25, "clip_skip": 2,
                            "denoise_strength": d("0.65")}),
        ("wan", "", None, {"guidance_scale": d("7.5"), "num_inference_steps": 25, "frame_count": 64}),
        ("qwen_base", "", None, {"temperature": d("0.70"), "top_p": d("0.90"), "max_new_tokens": 512}),
        ("qwen_instruct", "", None, {"temperature": d("0.80"), "top_p": d("0.95"), "max_new_tokens": 768}),
        ("sdxl", "free", None, {"num_inference_steps": 20}),
        ("sdxl", "premium", None, {"num_inference_steps": 40, "guidance_scale": d("7.0")}),
        ("wan", "free", None, {"frame_count": 32, "num_inference_steps": 20}),
        ("wan", "pro", None, {"frame_count": 96}),
        ("qwen_base", "premium", None, {"max_new_tokens": 1024}),
        ("sdxl", "", "ava-lighthouse", {"guidance_scale": d("6.5")}),
        ("wan", "", "oskar-cyclist", {"frame_count": 48}),
    ]
    objs = [
        ModelParameters(id=demo_uuid("model-parameters", f"{family}/{tier}/{slug}"), model_family=family,
                        user_tier=tier, character_id=character_ids[slug] if slug else None,
                        extra={"source": "demo"}, **values)
        for family, tier, slug, values in rows
    ]
    return insert_missing(ModelParameters, objs, ("model_family", "user_tier", "character"))
