"""Phrase banks that compose short user prompts, long Qwen rewrites and Compel-weighted prompts."""

import random

# (subject, tags) — tags select prompt rules and test categories.
IMAGE_SUBJECTS = (
    ("portrait of a woman with freckles", ("portrait",)), ("an elderly fisherman mending nets", ("portrait",)),
    ("a red fox in fresh snow", ("landscape",)), ("a ceramic teapot on a linen tablecloth", ("product",)),
    ("a lighthouse on a rocky coast", ("landscape",)), ("a cyberpunk street market at night", ("cinematic",)),
    ("a vintage tin robot on a workbench", ("product", "character")), ("a young chef plating ramen", ("portrait",)),
    ("an astronaut floating above Earth", ("cinematic",)), ("a greenhouse full of orchids", ("landscape",)),
    ("a couple dancing in an empty ballroom", ("portrait", "cinematic")), ("a mountain lake at dawn", ("landscape",)),
    ("leather boots on wet cobblestones", ("product",)), ("a samurai in a bamboo forest", ("cinematic",)),
    ("a cozy reading nook with rain on the window", ("lighting",)), ("a hummingbird at a red flower", ("landscape",)),
    ("a glass perfume bottle with water droplets", ("product",)), ("a street musician playing violin", ("portrait",)),
    ("a knight's helmet on a velvet cushion", ("product",)), ("a desert caravan at sunset", ("landscape", "cinematic")),
)
VIDEO_SUBJECTS = (
    ("waves crashing against black rocks", ("motion", "landscape")),
    ("a woman walking through a rainy Tokyo street", ("motion", "cinematic")),
    ("a hot air balloon rising over a green valley", ("motion", "landscape")),
    ("a cat stretching on a sunny windowsill", ("motion",)), ("a drone shot over an autumn forest", ("motion",)),
    ("a dancer spinning in a sunlit studio", ("motion", "portrait")),
    ("candles flickering on a dinner table", ("motion",)),
    ("a train crossing snowy mountains", ("motion", "cinematic")), ("steam curling from a cup of coffee", ("motion",)),
    ("a couple walking on a beach at dusk", ("motion", "portrait")),
)
STYLES = ("photorealistic", "cinematic still", "oil painting", "35mm film photo", "studio photograph",
          "watercolor", "digital art", "editorial photo")
LIGHTS = ("golden hour", "soft window light", "neon rim light", "overcast light", "dramatic chiaroscuro", "blue hour")
SENTENCES = {
    "subject": (
        "The expression is relaxed and natural, with the eyes catching a small highlight.",
        "Every element of the subject is clearly defined, with believable proportions and weight.",
        "The main subject stands out cleanly against its surroundings without looking cut out.",
        "Posture and gesture feel candid, as if caught between two moments.",
    ),
    "environment": (
        "Light mist hangs in the distance, softening the far background.",
        "The surroundings are lived-in: small props and worn surfaces tell a quiet story.",
        "Puddles and damp surfaces pick up reflections from the light sources.",
        "The background stays simple and uncluttered, supporting rather than competing.",
    ),
    "composition": (
        "The composition follows the rule of thirds, with the subject placed slightly off-centre.",
        "A low camera angle gives the scene a quiet sense of scale.",
        "Framed as a medium close-up with generous negative space on one side.",
        "A strong leading line draws the eye from the foreground toward the horizon.",
        "The subject is layered between a soft foreground element and a distant background.",
    ),
    "lighting": (
        "Warm golden-hour sunlight rakes across the scene, leaving long soft shadows and a gentle rim of light.",
        "Soft diffused window light wraps around the subject, with a subtle fill from a white bounce card.",
        "Neon signs in magenta and cyan reflect on wet surfaces, creating pools of coloured light.",
        "Overcast skies give even, shadowless light that reveals every surface texture.",
        "A single hard key light from the side carves the form out of a dark background.",
    ),
    "palette": (
        "The colour palette is muted teal and amber with deep, clean blacks.",
        "Earthy tones of ochre, olive and rust dominate, balanced by a pale sky.",
        "Pastel pinks and soft blues keep the image light and airy.",
        "A restrained monochrome palette with one accent of saturated red.",
    ),
    "detail": (
        "Fine details stay crisp: individual strands of hair, the weave of fabric, tiny droplets of water.",
        "Surfaces show realistic texture, from weathered wood grain to brushed metal and worn leather.",
        "Skin looks natural, with visible pores and subtle imperfections rather than a plastic finish.",
        "Small background props are sharp enough to read without competing with the subject.",
    ),
    "lens": (
        "Shot on an 85mm lens at f/1.8, the background dissolves into creamy bokeh.",
        "A 35mm lens keeps the environment in view with natural perspective.",
        "A 24mm wide-angle lens captures the full setting with gentle depth.",
        "A macro lens isolates the smallest details with a razor-thin plane of focus.",
    ),
    "mood": (
        "The mood is calm and contemplative, with a quiet sense of anticipation.",
        "The atmosphere feels cinematic and slightly mysterious, like a still from a film.",
        "There is a warm, nostalgic feeling, as if remembered from a summer long ago.",
        "Energy and movement fill the frame, lively but never chaotic.",
    ),
    "quality": (
        "Ultra-detailed, high dynamic range, professional colour grading, sharp focus on the main subject.",
        "Clean edges, no artefacts, balanced exposure with detail kept in highlights and shadows.",
        "Award-winning photography quality with accurate anatomy and coherent proportions.",
    ),
}
# At most this many sentences per group (2 when not listed): one light, one palette, one lens keep it coherent.
CAPS = {"lighting": 1, "palette": 1, "lens": 1, "motion": 3}
MOTION_SENTENCES = (
    "The camera performs a slow dolly forward, keeping the subject centred in the frame.",
    "Motion is smooth and continuous, with natural acceleration and no sudden cuts.",
    "A light breeze moves hair, fabric and leaves throughout the clip.",
    "Lighting and identity stay consistent from the first frame to the last.",
    "The camera pans gently from left to right, revealing the wider setting.",
    "Background elements drift slowly, adding parallax and depth to the shot.",
)


def user_prompt(rng: random.Random, video: bool) -> tuple[str, str, tuple[str, ...], str]:
    """A short prompt as a user types it: ``(prompt, subject, tags, style)``."""
    subject, tags = rng.choice(VIDEO_SUBJECTS if video else IMAGE_SUBJECTS)
    style = rng.choice(STYLES)
    parts = [subject]
    if rng.random() < 0.6:
        parts.append(style)
    if rng.random() < 0.5:
        parts.append(rng.choice(LIGHTS))
    if video and rng.random() < 0.4:
        parts.append(rng.choice(("slow motion", "tracking shot", "handheld", "timelapse")))
    return ", ".join(parts), subject, tags, style


def enhanced_prompt(rng: random.Random, subject: str, style: str, video: bool) -> str:
    """A Qwen-style rewrite of 300-1500 characters: an opening line, then detail sentences."""
    target = rng.randint(300, 1500)
    article = "an" if style[0] in "aeiou" else "a"
    text = f"{subject[0].upper()}{subject[1:]}, rendered as {article} {style} with rich, deliberate detail."
    groups = {**SENTENCES, "motion": MOTION_SENTENCES} if video else SENTENCES
    pool = [(group, sentence) for group, sentences in groups.items() for sentence in sentences]
    rng.shuffle(pool)
    order = list(groups)
    chosen, length = [], len(text)
    for group, sentence in pool:
        if length >= target:
            break
        if sum(g == group for g, _s in chosen) >= CAPS.get(group, 2) or length + 1 + len(sentence) > 1500:
            continue
        chosen.append((group, sentence))
        length += 1 + len(sentence)
    chosen.sort(key=lambda item: order.index(item[0]))  # subject first, quality cues last, as a writer would
    return " ".join([text, *(sentence for _group, sentence in chosen)])


def compel_prompt(rng: random.Random, lead: str, body: str, weights: dict[str, float], style: str) -> str:
    """A Compel prompt such as ``(lead)1.2, body, (style)1.1, (intricate detail, sharp focus)1.0, golden hour++``.

    ``body`` is comma-separated; its style and lighting phrases get weights instead of repeating.
    """
    parts = [f"({lead}){weights.get('quality', 1.0):.1f}"]
    light = None
    for phrase in filter(None, body.split(", ") if body else ()):
        if phrase == style:
            continue
        if phrase in LIGHTS and light is None:
            light = phrase
            continue
        parts.append(phrase)
    parts.append(f"({style}){weights.get('style', 1.0):.1f}")
    parts.append(f"(intricate detail, sharp focus){weights.get('detail', 1.0):.1f}")
    parts.append((light or rng.choice(LIGHTS)) + rng.choice(("+", "++")))
    return ", ".join(parts)


def split_lead(enhanced: str) -> tuple[str, str]:
    """The first sentence of a rewrite (without its full stop) and the rest."""
    lead, _dot, rest = enhanced.partition(". ")
    return lead.rstrip("."), rest
