"""Reading a job's lineage: the record of what its pipeline call received."""

CALL_LABELS = (("num_inference_steps", "steps"), ("guidance_scale", "cfg"), ("width", "width"),
               ("height", "height"), ("image", "input image"), ("strength", "strength"), ("clip_skip", "clip skip"),
               ("num_frames", "frames"), ("seed", "seed"), ("chunks", "prompt chunks"), ("embeddings", "embeddings"))


def describe_call(call: dict) -> str:
    """The pipeline call of a job's lineage on one line: what the worker passed to diffusers."""
    parts = [call.get("pipeline", "?")]
    parts += [f"{label} {call[key]}" for key, label in CALL_LABELS if call.get(key) is not None]
    parts += [f"LoRA {lora['name']}:{lora['weight']:g}" for lora in call.get("loras", [])]
    return ", ".join(parts)
