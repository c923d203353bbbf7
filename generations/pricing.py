"""What a worker stage costs, at the cost rates (configs ``cost_rates``) in force when it completed.

A rate per million tokens prices the tokens a stage read and wrote; a rate per GPU-hour prices its GPU time in
milliseconds (``ms × rate / 3,600,000``). Each amount is rounded half-up to 6 places (a micro-dollar, the
precision of the cost columns). A backend without a rate in force costs nothing. Definitions: docs/metrics.md,
"Costs".
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from configs.choices import BackendFamily, CostUnit
from configs.selectors import rate_at

MICRO = Decimal("0.000001")
MS_PER_HOUR = 3_600_000


def backend_of(model_family: str) -> str:
    """The configured backend that ran a stage of ``model_family`` (``qwen_base`` → ``qwen``; sdxl, wan as they are)."""
    return BackendFamily.QWEN if model_family.startswith("qwen") else model_family


def price(backend: str, *, tokens: int, gpu_ms: int, when: datetime) -> Decimal:
    """USD of ``tokens`` or ``gpu_ms`` on ``backend`` at the rate in force at ``when``, to 6 places."""
    rate = rate_at(backend, when)
    if rate is None:
        return Decimal(0).quantize(MICRO)
    if rate.unit == CostUnit.PER_MILLION_TOKENS:
        amount = Decimal(tokens) * rate.rate / 1_000_000
    else:
        amount = Decimal(gpu_ms) * rate.rate / MS_PER_HOUR
    return amount.quantize(MICRO, ROUND_HALF_UP)


def stage_cost(*, model_family: str, tokens: int, gpu_ms: int, clip_ms: int = 0, when: datetime) -> Decimal:
    """USD of one stage: its model's tokens or GPU time, plus the CLIP scoring time the generate stage spent."""
    cost = price(backend_of(model_family), tokens=tokens, gpu_ms=gpu_ms, when=when)
    if clip_ms:
        cost += price(BackendFamily.CLIP, tokens=0, gpu_ms=clip_ms, when=when)
    return cost
