"""Model configuration, presets, Compel weight configs, model backends, their cost rates and history."""

from configs.models.backends import ModelBackend
from configs.models.compel import CompelConfig
from configs.models.costs import CostRate
from configs.models.history import ConfigChangeHistory, ModelConfigHistory
from configs.models.loras import LoRA
from configs.models.model_config import EnhancedModelConfig, EnhancementPreset

__all__ = [
    "CompelConfig", "ConfigChangeHistory", "CostRate", "EnhancedModelConfig", "EnhancementPreset", "LoRA",
    "ModelBackend", "ModelConfigHistory",
]
