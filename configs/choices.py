"""Model configuration vocabulary and the guide's parameter ranges (document 000, section 4)."""

from django.db import models


class Resolution(models.TextChoices):
    SQUARE = "1024x1024", "1024×1024"
    PORTRAIT = "832x1216", "832×1216"
    LANDSCAPE = "1216x832", "1216×832"


class QualityFocus(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


# (low, high) inclusive; the database enforces the same ranges as CHECK constraints.
RANGES = {
    "inference_steps": (10, 50),
    "guidance_scale": (1.0, 20.0),
    "motion_bucket": (50, 200),
    "frame_count": (16, 120),
    "compel_quality_weight": (0.5, 2.0),
    "compel_detail_weight": (0.5, 2.0),
    "compel_style_weight": (0.5, 2.0),
    "compel_nsfw_weight": (0.0, 2.0),
    "qwen_max_time_ms": (5_000, 30_000),
    "qwen_expansion_target": (1_000, 5_000),
}

# Compel weight names as stored in JSON columns, mapped to their range key.
COMPEL_WEIGHT_RANGES = {
    "quality": RANGES["compel_quality_weight"],
    "detail": RANGES["compel_detail_weight"],
    "nsfw": RANGES["compel_nsfw_weight"],
    "style": RANGES["compel_style_weight"],
}
DEFAULT_COMPEL_WEIGHTS = {"quality": 1.2, "detail": 1.0, "nsfw": 0.8, "style": 1.1}

# What "reset to defaults" uses for the columns that have no field default, when a model has no default
# configuration: the values the guide's settings panel shows (document 000, section 4).
GUIDE_MODEL_DEFAULTS = {
    "SDXL": {"resolution": "1024x1024"},
    "WAN": {"motion_bucket": 127, "frame_count": 64},
}

# Preset JSON keys mapped to configuration columns (document 000 ``enhancement_presets``).
PRESET_COMPEL_FIELDS = {
    "quality": "compel_quality_weight",
    "detail": "compel_detail_weight",
    "nsfw": "compel_nsfw_weight",
    "style": "compel_style_weight",
}
PRESET_QWEN_FIELDS = {
    "max_time": "qwen_max_time_ms",
    "expansion_target": "qwen_expansion_target",
    "quality_focus": "qwen_quality_focus",
}


class BackendFamily(models.TextChoices):
    """The worker families whose model directory is configured (not document 004's prompt families)."""

    QWEN = "qwen", "Qwen enhancer (transformers causal LM)"
    SDXL = "sdxl", "SDXL (diffusers)"
    WAN = "wan", "WAN (diffusers)"
    CLIP = "clip", "CLIP scorer (transformers CLIPModel)"


class Device(models.TextChoices):
    AUTO = "auto", "Auto (CUDA when available, else CPU)"
    CUDA = "cuda", "CUDA"
    CPU = "cpu", "CPU"


class DType(models.TextChoices):
    AUTO = "auto", "Auto (float16 on CUDA, float32 on CPU)"
    FLOAT16 = "float16", "float16"
    BFLOAT16 = "bfloat16", "bfloat16"
    FLOAT32 = "float32", "float32"


class CostUnit(models.TextChoices):
    """What a backend's cost rate is counted in (``cost_rates.unit``)."""

    PER_MILLION_TOKENS = "per_million_tokens", "USD per million tokens"
    PER_GPU_HOUR = "per_gpu_hour", "USD per GPU-hour"


# The units each backend may be priced in: the LLM by its tokens or by its GPU time; the diffusion models and
# the CLIP scorer count no tokens, so only by GPU time.
COST_UNITS_BY_BACKEND = {
    BackendFamily.QWEN: (CostUnit.PER_MILLION_TOKENS, CostUnit.PER_GPU_HOUR),
    BackendFamily.SDXL: (CostUnit.PER_GPU_HOUR,),
    BackendFamily.WAN: (CostUnit.PER_GPU_HOUR,),
    BackendFamily.CLIP: (CostUnit.PER_GPU_HOUR,),
}
