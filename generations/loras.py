"""Which LoRAs a job loads: its character's, the prompt's ``<lora:NAME:WEIGHT>`` tags, then those asked for.

Each is checked against the registry (``configs.LoRA``) at submission, so a
job never names an adapter no worker can load.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from configs.models import LoRA

INLINE = re.compile(r"<lora:([^:>]+)(?::([^>]*))?>", re.IGNORECASE)
WEIGHT_RANGE = (-2.0, 2.0)


def inline_loras(prompt: str) -> tuple[str, list[tuple[str, str | None]]]:
    """The prompt without its A1111 ``<lora:NAME:WEIGHT>`` tags, and the tags as (name, weight text)."""
    tags = [(name.strip(), weight) for name, weight in INLINE.findall(prompt or "")]
    text = INLINE.sub("", prompt or "")
    text = re.sub(r"\s*,\s*(,\s*)+", ", ", text)
    return re.sub(r"\s{2,}", " ", text).strip().strip(",").strip(), tags


def parse_lora_option(value: str, *, option: str = "--lora") -> tuple[str, str | None]:
    """``NAME`` or ``NAME:WEIGHT`` as typed on a command line."""
    name, _sep, weight = value.partition(":")
    if not name.strip():
        raise ValueError(f"{option} {value!r}: write NAME or NAME:WEIGHT.")
    return name.strip(), weight or None


def _weight(name: str, text, default: Decimal) -> float:
    if text is None or text == "":
        return float(default)
    try:
        weight = float(Decimal(str(text)))
    except (InvalidOperation, ValueError):
        raise ValidationError({"loras": f"LoRA {name}: weight {text!r} is not a number."}) from None
    low, high = WEIGHT_RANGE
    if not low <= weight <= high:
        raise ValidationError({"loras": f"LoRA {name}: weight {weight:g} is outside {low:g} to {high:g}."})
    return weight


def loras_for_job(*, model_type: str, character, inline: list, requested: list) -> tuple[list[dict], list[dict]]:
    """The job's LoRAs as ``[{"name", "weight", "source"}]``, later sources overriding earlier ones by name, and
    the character's LoRAs it leaves out (``[{"name", "reason"}]``: not registered or active, another family).

    ``ValidationError`` on ``loras`` names an unknown or inactive LoRA of the
    prompt or the request, one of another model family, or a weight out of range.
    """
    wanted: dict[str, tuple] = {}
    for entry in (character.loras or []) if character is not None else []:
        wanted[entry.get("name", "")] = (entry.get("weight"), "character")
    for name, weight in inline:
        wanted[name] = (weight, "prompt")
    for name, weight in requested:
        wanted[name] = (weight, "requested")
    if not wanted:
        return [], []
    registry = {lora.name: lora for lora in LoRA.objects.filter(name__in=list(wanted), is_active=True)}
    chosen, skipped = [], []
    for name, (weight, source) in wanted.items():
        lora = registry.get(name)
        if source == "character" and (lora is None or lora.model_family != model_type.lower()):
            # A character serves every model; its LoRAs apply where they can and the job says which did not.
            skipped.append({"name": name, "reason": "not registered or not active" if lora is None else
                            f"for {lora.get_model_family_display()}, not {model_type}"})
            continue
        if lora is None:
            where = {"character": f"character {character}", "prompt": "the prompt"}.get(source, "the request")
            raise ValidationError({"loras": f"LoRA {name!r} (from {where}) is not registered or not active: add it "
                                            "under Model Configuration → LoRAs."})
        if lora.model_family != model_type.lower():
            raise ValidationError({"loras": f"LoRA {name!r} is for {lora.get_model_family_display()}, not "
                                            f"{model_type}."})
        chosen.append({"name": name, "weight": _weight(name, weight, lora.default_weight), "source": source})
    return chosen, skipped
