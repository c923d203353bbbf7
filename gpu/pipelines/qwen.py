"""Prompt enhancement and chat turns with a Qwen chat model (transformers)."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from gpu.devices import resolve_device, resolve_dtype


@dataclass
class QwenBundle:
    """Tokenizer and causal LM, already on ``device`` and in eval mode."""

    tokenizer: object
    model: object
    device: str


@dataclass
class Enhancement:
    """The enhanced prompt and what producing it cost."""

    text: str
    input_tokens: int
    output_tokens: int
    elapsed_ms: int
    stopped_by_time: bool


def load(path: str, device: str, dtype: str) -> QwenBundle:
    """Load tokenizer and model from a local directory onto ``device`` in ``dtype``."""
    device = resolve_device(device)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=resolve_dtype(dtype, device))
    return QwenBundle(tokenizer=tokenizer, model=model.to(device).eval(), device=device)


def enhance(
    bundle: QwenBundle,
    *,
    prompt: str,
    system_prompt: str,
    max_new_tokens: int,
    max_time_s: float,
    temperature: float | None = None,
    top_p: float | None = None,
    seed: int | None = None,
) -> Enhancement:
    """Rewrite ``prompt`` following ``system_prompt``; greedy unless ``temperature`` > 0 (``chat`` of two messages)."""
    messages = [{"role": "system", "content": system_prompt}, {"role": "user", "content": prompt}]
    return chat(bundle, messages=messages, max_new_tokens=max_new_tokens, max_time_s=max_time_s,
                temperature=temperature, top_p=top_p, seed=seed)


def chat(
    bundle: QwenBundle,
    *,
    messages: list[dict],
    max_new_tokens: int,
    max_time_s: float,
    temperature: float | None = None,
    top_p: float | None = None,
    seed: int | None = None,
) -> Enhancement:
    """The assistant's next message after ``messages`` (``role``/``content`` dicts, through the tokenizer's chat
    template); greedy unless ``temperature`` > 0.

    Generation stops at EOS, ``max_new_tokens`` or ``max_time_s`` (transformers'
    MaxTimeCriteria, checked after each token), whichever comes first.
    ``output_tokens`` counts every generated token, EOS included.
    """
    inputs = bundle.tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
    ).to(bundle.device)
    input_tokens = inputs["input_ids"].shape[1]
    options = _sampling_options(temperature, top_p)
    started = time.perf_counter()
    with _seeded(seed, bundle.device), torch.inference_mode():
        output = bundle.model.generate(**inputs, max_new_tokens=max_new_tokens, max_time=max_time_s, **options)
    elapsed = time.perf_counter() - started
    new_tokens = output[0, input_tokens:]
    return Enhancement(
        text=bundle.tokenizer.decode(new_tokens, skip_special_tokens=True).strip(),
        input_tokens=int(input_tokens),
        output_tokens=len(new_tokens),
        elapsed_ms=int(elapsed * 1000),
        stopped_by_time=elapsed >= max_time_s and len(new_tokens) < max_new_tokens,
    )


def _sampling_options(temperature: float | None, top_p: float | None) -> dict:
    """generate() kwargs: sample only for a positive temperature.

    Sampling knobs are left out entirely for greedy decoding, because
    transformers warns (or errors) when they are set with do_sample=False.
    """
    if not temperature or temperature <= 0:
        return {"do_sample": False}
    options = {"do_sample": True, "temperature": temperature}
    if top_p is not None:
        options["top_p"] = top_p
    return options


@contextlib.contextmanager
def _seeded(seed: int | None, device: str):
    """Seed torch's RNG for one generate() call, restoring the caller's RNG state afterwards.

    generate() takes no torch.Generator, so the global RNG is the only handle;
    fork_rng keeps the seeding from leaking into other jobs in the process.
    """
    if seed is None:
        yield
        return
    devices = [torch.cuda.current_device()] if device == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
