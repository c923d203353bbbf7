"""Fixtures for the GPU layer tests: tiny random-weight models built once per session."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import pytest  # noqa: E402

from gpu.tiny_models import build_tiny_models  # noqa: E402


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Paths of tiny Qwen2, SDXL and WAN directories: ``{"qwen": Path, "sdxl": Path, "wan": Path}``."""
    return build_tiny_models(tmp_path_factory.mktemp("tiny_models"))
