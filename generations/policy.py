"""What the active configuration lets a submission do: its switches decide the enhancement strategy.

``enable_qwen`` and ``enable_compel`` turn strategies off (a preset such as
"Disabled" sets them); ``auto_enhancement`` with ``qwen_auto_enable`` lets a
submission ask for ``auto`` and get the strategy the switches allow.
"""

from django.core.exceptions import ValidationError

from ourvidz_admin.choices import EnhancementStrategy, ModelType

AUTO = "auto"
QWEN_STRATEGIES = (EnhancementStrategy.QWEN, EnhancementStrategy.HYBRID)
COMPEL_STRATEGIES = (EnhancementStrategy.COMPEL, EnhancementStrategy.HYBRID)


def _name(config) -> str:
    return f"The active {config.model_type} configuration {config.config_name!r}"


def auto_strategy(model_type: str, config) -> str:
    """The strategy ``auto`` means under ``config``: Qwen when auto-enabled, Compel where allowed (SDXL)."""
    qwen = config.enable_qwen and config.qwen_auto_enable
    compel = config.enable_compel and model_type == ModelType.SDXL
    if qwen and compel:
        return EnhancementStrategy.HYBRID
    if qwen:
        return EnhancementStrategy.QWEN
    if compel:
        return EnhancementStrategy.COMPEL
    return EnhancementStrategy.NONE


def strategy_allowed(model_type: str, strategy: str, config) -> tuple[str, str]:
    """The strategy a job runs and how it was chosen ("requested" or "auto"); ``ValidationError`` naming the
    switch when ``config`` turns the requested one off. Without a configuration every strategy is allowed
    and ``auto`` means none."""
    if strategy == AUTO:
        if config is None:
            return EnhancementStrategy.NONE, AUTO
        if not config.auto_enhancement:
            raise ValidationError({"strategy": f"{_name(config)} has auto_enhancement off: choose a strategy."})
        return auto_strategy(model_type, config), AUTO
    if config is not None:
        if strategy in QWEN_STRATEGIES and not config.enable_qwen:
            raise ValidationError({"strategy": f"{_name(config)} has enable_qwen off: the qwen and hybrid "
                                               "strategies are disabled."})
        if strategy in COMPEL_STRATEGIES and not config.enable_compel:
            raise ValidationError({"strategy": f"{_name(config)} has enable_compel off: the compel and hybrid "
                                               "strategies are disabled."})
    return strategy, "requested"
