"""Writes to runtime configuration, by topic; import services from here.

``backends``: the model directories workers load. ``costs``: the backends' cost rates. ``model_config``: save,
activate, reset, presets. ``transfer``: JSON export and import.
(The measured impact of a change reads jobs: ``analytics.config_impact``.)
"""

from configs.services.backends import model_backend_set
from configs.services.costs import cost_rate_check_start, cost_rate_create, cost_rate_delete, cost_rate_save
from configs.services.model_config import (
    change_summary,
    config_values,
    model_config_activate,
    model_config_defaults,
    model_config_reset_to_defaults,
    model_config_save,
    preset_apply,
    preset_values,
)
from configs.services.transfer import model_config_export, model_config_import, model_config_import_many

__all__ = [
    "change_summary", "config_values", "cost_rate_check_start", "cost_rate_create", "cost_rate_delete",
    "cost_rate_save", "model_backend_set",
    "model_config_activate", "model_config_defaults", "model_config_export", "model_config_import",
    "model_config_import_many", "model_config_reset_to_defaults", "model_config_save", "preset_apply",
    "preset_values",
]
