"""Generation parameters of a job: configuration, then parameter rows, then the job's own values."""

from generations.validation import wan_frame_count
from ourvidz_admin.choices import ModelType

WAN_DEFAULT_SIZE = (832, 480)
WAN_FPS = 16
DIFFUSION_KEYS = ("num_inference_steps", "guidance_scale", "width", "height", "frame_count", "denoise_strength",
                  "clip_skip")


def _config_values(model_type: str, config) -> dict:
    values = {"num_inference_steps": 25, "guidance_scale": 7.5, "denoise_strength": 0.6}
    if config is not None:
        values.update(num_inference_steps=config.inference_steps, guidance_scale=float(config.guidance_scale))
    if model_type == ModelType.SDXL:
        resolution = (config.resolution if config is not None else "") or "1024x1024"
        values["width"], values["height"] = (int(v) for v in resolution.split("x"))
    else:
        values["width"], values["height"] = WAN_DEFAULT_SIZE
        values["frame_count"] = config.frame_count if config is not None and config.frame_count else 81
    return values


def _fit(width: int, height: int, max_side: int, multiple: int) -> tuple[int, int]:
    scale = min(1.0, max_side / max(width, height))

    def snap(value: float) -> int:
        return max(multiple, int(value * scale) // multiple * multiple)

    return snap(width), snap(height)


def apply_backend_limits(values: dict, backend, model_type: str) -> dict:
    """Scale the size down to the directory's ``max_side`` (aspect kept) and cap WAN frames at ``max_frames``;
    what was reduced is listed under ``"not_applied"`` for the lineage."""
    if backend is None:
        return values
    multiple = 8 if model_type == ModelType.SDXL else 16
    if backend.max_side and max(values["width"], values["height"]) > backend.max_side:
        requested = f"{values['width']}x{values['height']}"
        values["width"], values["height"] = _fit(values["width"], values["height"], backend.max_side, multiple)
        values.setdefault("not_applied", {})["size"] = (
            f"{requested} requested; ran at {values['width']}x{values['height']} (the model directory's "
            f"max_side is {backend.max_side})")
    if backend.max_frames and values.get("frame_count") and values["frame_count"] > backend.max_frames:
        requested = values["frame_count"]
        values["frame_count"] = wan_frame_count(backend.max_frames)
        values.setdefault("not_applied", {})["frame_count"] = (
            f"{requested} requested; ran {values['frame_count']} (the model directory's max_frames is "
            f"{backend.max_frames})")
    return values


def resolve_generation_parameters(job, config, layered: dict, *, has_input: bool, use_compel: bool) -> dict:
    """Merge, lowest first: active model configuration, ``model_parameters`` layers, the job's own values.

    Only what the pipeline call takes is kept: ``denoise_strength`` for SDXL
    image-to-image, ``clip_skip`` for SDXL without Compel (Compel embeds the
    penultimate layer), ``frame_count`` for WAN (rounded to the 4k+1 frames
    the model produces). A layered value the call cannot take is listed under
    ``"not_applied"`` with the reason, for the lineage.
    """
    values = _config_values(job.model_type, config)
    values.update({key: layered[key] for key in DIFFUSION_KEYS if layered.get(key) is not None})
    explicit = {
        "num_inference_steps": job.num_inference_steps, "guidance_scale": job.guidance_scale,
        "width": job.width, "height": job.height, "frame_count": job.frame_count,
        "denoise_strength": job.denoise_strength, "clip_skip": job.clip_skip,
    }
    values.update({key: value for key, value in explicit.items() if value is not None})
    values["guidance_scale"] = float(values["guidance_scale"])
    not_applied = {}
    sdxl = job.model_type == ModelType.SDXL
    if sdxl and has_input:
        values["denoise_strength"] = float(values["denoise_strength"])
    else:
        values.pop("denoise_strength", None)
    if values.get("clip_skip") is not None and (not sdxl or use_compel):
        not_applied["clip_skip"] = "Compel embeds the penultimate CLIP layer" if sdxl else "SDXL only"
        values.pop("clip_skip")
    if job.model_type == ModelType.WAN:
        values["frame_count"] = wan_frame_count(int(values["frame_count"]))
    if not_applied:
        values["not_applied"] = not_applied
    return values
