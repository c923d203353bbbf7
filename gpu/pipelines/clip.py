"""CLIP score of an output against its prompt (transformers ``CLIPModel``), as torchmetrics defines it.

For one image and one text, torchmetrics 1.9's ``CLIPScore`` is ``max(100 * cos(E_I, E_T), 0)`` where
``E_I = get_image_features(pixel_values)`` and ``E_T = get_text_features(input_ids, attention_mask)``
are the projected embeddings, the processor preparing both. This module computes exactly that, with
three choices of its own (docs/metrics.md, "CLIP score"):

* the text is truncated by the tokenizer to the model's length (77 tokens), keeping the end-of-text
  token CLIP pools on; torchmetrics instead cuts the token ids, which agrees for any prompt that fits;
* a video scores the mean of its frames' scores over at most ``VIDEO_FRAMES`` evenly spaced frames
  (:func:`sample_indices`), each frame clamped at 0 first (one torchmetrics score per frame);
* embeddings are compared in float32 whatever the model's dtype.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from PIL import Image
from transformers import CLIPModel, CLIPProcessor

from gpu.devices import resolve_device, resolve_dtype

#: Most frames of a video that are scored (evenly spaced, first and last included).
VIDEO_FRAMES = 8


@dataclass
class CLIPBundle:
    """The model (eval mode, on ``device``) and its processor (tokenizer + image processor)."""

    model: CLIPModel
    processor: CLIPProcessor
    device: str
    dtype: torch.dtype


def load(path: str, device: str, dtype: str) -> CLIPBundle:
    """Load a local CLIP directory (``openai/clip-vit-*`` layout, or ``build_tiny_clip``'s) onto ``device``."""
    device = resolve_device(device)
    torch_dtype = resolve_dtype(dtype, device)
    model = CLIPModel.from_pretrained(path, dtype=torch_dtype).to(device).eval()
    return CLIPBundle(model=model, processor=CLIPProcessor.from_pretrained(path), device=device, dtype=torch_dtype)


def _embedding(output) -> torch.Tensor:
    """The projected embedding: transformers 5 wraps it in ``pooler_output``, transformers 4 returned it."""
    return output if isinstance(output, torch.Tensor) else output.pooler_output


def text_length(bundle: CLIPBundle) -> int:
    """Tokens the text tower reads (77 for every OpenAI CLIP): the tokenizer's limit, capped by the model's."""
    return min(bundle.processor.tokenizer.model_max_length, bundle.model.config.text_config.max_position_embeddings)


@torch.inference_mode()
def cosines(bundle: CLIPBundle, text: str, images: list[Image.Image]) -> list[float]:
    """Cosine similarity of ``text`` with each image, from the model's projected embeddings (float32)."""
    if not images:
        return []
    tokens = bundle.processor.tokenizer([text], padding=True, truncation=True, max_length=text_length(bundle),
                                        return_tensors="pt").to(bundle.device)
    pixels = bundle.processor.image_processor(images=[image.convert("RGB") for image in images],
                                              return_tensors="pt")["pixel_values"]
    model = bundle.model
    text_embeds = _embedding(model.get_text_features(input_ids=tokens["input_ids"],
                                                     attention_mask=tokens["attention_mask"])).float()
    image_embeds = _embedding(model.get_image_features(
        pixel_values=pixels.to(bundle.device, bundle.dtype))).float()
    text_embeds = text_embeds / text_embeds.norm(p=2, dim=-1, keepdim=True)
    image_embeds = image_embeds / image_embeds.norm(p=2, dim=-1, keepdim=True)
    return (image_embeds @ text_embeds[0]).cpu().tolist()


def score_images(bundle: CLIPBundle, text: str, images: list[Image.Image]) -> list[float]:
    """Each image's CLIP score against ``text``: ``max(100 * cos, 0)``, from 0 to 100."""
    return [max(100.0 * cosine, 0.0) for cosine in cosines(bundle, text, images)]


def score(bundle: CLIPBundle, text: str, frames: list[Image.Image]) -> float:
    """The CLIP score of one output: an image (one frame), or a video's mean over its sampled frames.

    ``frames`` is the image, or every frame of the video; at most ``VIDEO_FRAMES`` of them are scored.
    """
    if not frames:
        raise ValueError("An output needs at least one frame to be scored.")
    sampled = [frames[index] for index in sample_indices(len(frames))]
    scores = score_images(bundle, text, sampled)
    return sum(scores) / len(scores)


def sample_indices(count: int, most: int = VIDEO_FRAMES) -> list[int]:
    """``min(count, most)`` evenly spaced frame indices from 0 to count - 1: ``i * (count - 1) // (k - 1)``.

    9 frames -> 0, 1, 2, 3, 4, 5, 6, 8; 81 frames -> 0, 11, 22, 34, 45, 57, 68, 80.
    """
    taken = min(count, most)
    if taken <= 1:
        return list(range(taken))
    return [index * (count - 1) // (taken - 1) for index in range(taken)]
