"""Seed the rates that were constants in code ($0.40 per million LLM tokens, $2.50 per GPU-hour), so costs are
priced as before out of the box. CLIP scoring gets no rate: it was not priced before (add one to price it)."""

from datetime import UTC, datetime
from decimal import Decimal

from django.db import migrations

SINCE = datetime(2020, 1, 1, tzinfo=UTC)
NOTE = "The rate the portal used before rates were configurable."
SEED = (("qwen", "per_million_tokens", Decimal("0.40")), ("sdxl", "per_gpu_hour", Decimal("2.50")),
        ("wan", "per_gpu_hour", Decimal("2.50")))


def seed_rates(apps, schema_editor):
    rate_model = apps.get_model("configs", "CostRate")
    priced = set(rate_model.objects.values_list("backend", flat=True))
    rate_model.objects.bulk_create([
        rate_model(backend=backend, unit=unit, rate=rate, effective_from=SINCE, note=NOTE, created_at=SINCE)
        for backend, unit, rate in SEED if backend not in priced
    ])


class Migration(migrations.Migration):
    dependencies = [("configs", "0012_cost_rates")]

    # Reversing keeps the rows: they may have priced stages since.
    operations = [migrations.RunPython(seed_rates, migrations.RunPython.noop)]
