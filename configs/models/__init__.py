"""Model configuration, presets, Compel weight configs, history and per-tier parameters."""

from configs.models.backends import ModelBackend
from configs.models.compel import CompelConfig
from configs.models.history import ConfigChangeHistory, ModelConfigHistory
from configs.models.model_config import EnhancedModelConfig, EnhancementPreset
from configs.models.parameters import ModelParameters

__all__ = [
    "CompelConfig", "ConfigChangeHistory", "EnhancedModelConfig", "EnhancementPreset",
    "ModelBackend", "ModelConfigHistory", "ModelParameters",
]
