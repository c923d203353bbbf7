"""Per-process cache that keeps loaded pipelines resident across jobs.

One bundle per family stays loaded: asking for a family with a different
path/device/dtype drops the old bundle first, because two SDXL or WAN
checkpoints rarely fit side by side in GPU memory. Loading is serialised by a
lock so two threads asking for the same model load it once.
"""

from __future__ import annotations

import collections
import gc
import importlib
import os
import threading
import time
from dataclasses import dataclass

import torch

from gpu.devices import dtype_name, resolve_device, resolve_dtype
from gpu.errors import ModelLoadError

FAMILIES = ("qwen", "sdxl", "wan", "clip")


@dataclass
class LoadedModel:
    """A resident bundle plus what a worker heartbeat reports about it."""

    family: str
    path: str
    device: str
    dtype: str
    bundle: object
    loaded_at: float
    load_seconds: float


class ModelCache:
    """Thread-safe cache of one loaded bundle per model family.

    Two locks: ``_load_lock`` serialises get()/clear() (a load can take
    minutes), ``_state_lock`` guards the dict only, so a heartbeat thread
    calling loaded() never waits for a load to finish.
    """

    def __init__(self) -> None:
        self._load_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._models: dict[str, LoadedModel] = {}
        self.load_count: collections.Counter = collections.Counter()

    def get(self, family: str, path: str, device: str = "auto", dtype: str = "auto") -> LoadedModel:
        """Return the bundle for (family, path, device, dtype), loading it on first use.

        Device and dtype are resolved first, so "auto" and its resolved name
        share one entry. A different path/device/dtype for a loaded family
        drops the old bundle before loading. Raises ValueError for an unknown
        family or bad device/dtype, ModelLoadError for a missing directory
        (the old bundle is then kept) or a failed load (chained).
        """
        if family not in FAMILIES:
            raise ValueError(f"Unknown model family {family!r}; expected one of {', '.join(FAMILIES)}.")
        path = str(path)
        device = resolve_device(device)
        dtype = dtype_name(resolve_dtype(dtype, device))
        with self._load_lock:
            current = self._models.get(family)
            if current is not None and (current.path, current.device, current.dtype) == (path, device, dtype):
                return current
            if not os.path.isdir(path):
                raise ModelLoadError(f"Model directory not found: {path}")
            if current is not None:
                del current  # keep no reference, or _drop cannot free it
                self._drop(family)
            loaded = _load(family, path, device, dtype)
            with self._state_lock:
                self._models[family] = loaded
                self.load_count[family] += 1
            return loaded

    def loaded(self) -> list[dict]:
        """Describe every resident model (no bundles), for a worker heartbeat."""
        with self._state_lock:
            models = list(self._models.values())
        return [
            {
                "family": m.family,
                "path": m.path,
                "device": m.device,
                "dtype": m.dtype,
                "loaded_at": m.loaded_at,
                "load_seconds": m.load_seconds,
            }
            for m in models
        ]

    def clear(self) -> None:
        """Drop every resident model and give its memory back."""
        with self._load_lock:
            for family in list(self._models):
                self._drop(family)

    def _drop(self, family: str) -> None:
        """Forget one family's bundle and free its memory; the caller holds ``_load_lock``."""
        with self._state_lock:
            device = self._models.pop(family).device
        # The tensors are only freed once nothing references them; pipelines
        # hold reference cycles, hence the explicit collection before
        # handing cached CUDA blocks back to the driver.
        gc.collect()
        if device == "cuda" and torch.cuda.is_available():
            torch.cuda.empty_cache()


def _load(family: str, path: str, device: str, dtype: str) -> LoadedModel:
    """Load one bundle with ``gpu.pipelines.<family>.load``, wrapping failures in ModelLoadError."""
    # Imported lazily: the pipeline modules pull in diffusers/transformers,
    # which a worker serving only one family should not pay for.
    loader = importlib.import_module(f"gpu.pipelines.{family}").load
    started_at, started = time.time(), time.perf_counter()
    try:
        bundle = loader(path, device, dtype)
    except Exception as exc:
        raise ModelLoadError(f"Could not load {family} model from {path}: {exc}") from exc
    return LoadedModel(
        family=family,
        path=path,
        device=device,
        dtype=dtype,
        bundle=bundle,
        loaded_at=started_at,
        load_seconds=time.perf_counter() - started,
    )


MODEL_CACHE = ModelCache()
