"""Device and dtype resolution plus CUDA memory helpers.

Everything is explicit on purpose: diffusers silently defaults to float32 on
CPU, and half precision on CPU is either unsupported or very slow, so callers
name a device/dtype (or "auto") and get a clear error for bad combinations.
"""

from __future__ import annotations

import torch

DEVICES = ("cuda", "cpu", "mps")
DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}
_MIB = 1024 * 1024


def resolve_device(device: str) -> str:
    """Turn "auto" into "cuda" when CUDA is usable, else "cpu"; pass "cuda"/"cpu"/"mps" through.

    Raises ValueError for any other name.
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device not in DEVICES:
        raise ValueError(f"Unknown device {device!r}; expected 'auto' or one of {', '.join(DEVICES)}.")
    return device


def resolve_dtype(dtype: str, device: str) -> torch.dtype:
    """Turn a dtype name into a torch dtype for an already resolved device.

    "auto" means float16 on CUDA and float32 elsewhere. Half precision on CPU
    raises ValueError: many CPU kernels lack fp16 and the rest are far slower.
    """
    if dtype == "auto":
        return torch.float16 if device == "cuda" else torch.float32
    if dtype not in DTYPES:
        raise ValueError(f"Unknown dtype {dtype!r}; expected 'auto' or one of {', '.join(DTYPES)}.")
    if device == "cpu" and dtype != "float32":
        raise ValueError(f"dtype {dtype!r} is not supported on cpu; use 'float32' (or 'auto').")
    return DTYPES[dtype]


def dtype_name(dtype: torch.dtype) -> str:
    """The short name of a torch dtype ("float16"), as used in cache keys and heartbeats."""
    return str(dtype).removeprefix("torch.")


def gpu_memory_mb() -> tuple[int | None, int | None]:
    """(used, total) MiB of the current CUDA device, or (None, None) without CUDA.

    "used" is device-wide (total - free from cudaMemGetInfo), like nvidia-smi,
    so it includes other processes and the caching allocator's reserve.
    """
    if not torch.cuda.is_available():
        return None, None
    free, total = torch.cuda.mem_get_info()
    return (total - free) // _MIB, total // _MIB


def is_out_of_memory(exc: BaseException) -> bool:
    """True for a CUDA/MPS/host out-of-memory error, also when wrapped (``raise ... from``).

    Matches torch.cuda.OutOfMemoryError, any MemoryError (host allocation
    failures often carry no message) and RuntimeErrors saying "out of memory"
    (MPS, cuDNN/cuBLAS workspace failures).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (torch.cuda.OutOfMemoryError, MemoryError)):
            return True
        if isinstance(current, RuntimeError) and "out of memory" in str(current).lower():
            return True
        current = current.__cause__ or current.__context__
    return False
