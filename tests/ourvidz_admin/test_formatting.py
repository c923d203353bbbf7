"""One way to write numbers (docs/metrics.md, "How figures are written"), short ids that differ, list
columns written with it."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.contrib import admin

from generations.models import Job
from ourvidz_admin import db, formatting
from ourvidz_admin.admin.base import PortalAdmin, column_format
from tests.factories import JobFactory


@pytest.mark.parametrize("function, value, expected", [
    (formatting.count, 209612, "209,612"), (formatting.count, Decimal("0.00"), "0"), (formatting.count, None, "—"),
    (formatting.number, 418.61201226711273, "418.61"), (formatting.number, 1234567.891, "1,234,567.89"),
    (formatting.percent, 91.478, "91.5%"), (formatting.percent, 100, "100.0%"), (formatting.percent, "", "—"),
    (formatting.fraction, 0.24, "24.0%"), (formatting.fraction, 0.2408, "24.1%"),
    (formatting.signed, 0.8, "+0.80"), (formatting.signed, -0.1, "−0.10"), (formatting.signed, 0, "0.00"),
    (formatting.signed_percent, 28.125, "+28.1%"),
    (formatting.rating, 3.5120481, "3.51"), (formatting.out_of_5, 3.2, "3.20/5"), (formatting.out_of_5, None, "—"),
    (formatting.ms, 850, "850 ms"), (formatting.ms, 9_999, "9,999 ms"), (formatting.ms, 11_114, "11.1 s"),
    (formatting.ms, 209_612, "209.6 s"), (formatting.ms, 725_000, "12m 05s"), (formatting.ms, 3_660_000, "1h 01m"),
    (formatting.ms, -2_500, "−2,500 ms"), (formatting.seconds, 42.2, "42.2 s"), (formatting.seconds, 0.4, "400 ms"),
    (formatting.usd, 1234.5, "$1,234.50"), (formatting.usd, 0.000949, "$0.000949"), (formatting.usd, 0, "$0.00"),
    (formatting.number, float("nan"), "—"), (formatting.count, "not a number", "—"),
    (formatting.percent, Fraction(200, 3), "66.7%"), (formatting.ms, Fraction(23083, 2), "11.5 s"),
    (formatting.ms, 9_999.6, "10.0 s"), (formatting.ms, 9_999.4, "9,999 ms"),
])
def test_each_kind_of_figure_is_written_one_way(function, value, expected):
    assert function(value) == expected


def test_ids_made_in_the_same_second_show_different_short_ids():
    ids = [db.uuid7() for _ in range(10)]

    assert len({str(i)[:8] for i in ids}) <= 2  # the time prefix of a UUIDv7 changes every 65.5 s...
    assert len({db.short_id(i) for i in ids}) == 10  # ...its random tail differs for every id


@pytest.mark.django_db
def test_ten_jobs_submitted_together_have_ten_ids_on_the_jobs_list(admin_client):
    jobs = JobFactory.create_batch(10)

    page = admin_client.get("/admin/generations/job/").content.decode()

    shown = {db.short_id(job.pk) for job in jobs if f">{db.short_id(job.pk)}</a>" in page}
    assert len(shown) == 10


def test_column_formats_follow_the_field():
    fields = {f.name: f for f in Job._meta.concrete_fields}
    assert column_format(fields["enhancement_time_ms"]) == "ms"
    assert column_format(fields["qwen_expansion_percentage"]) == "percent"
    assert column_format(fields["qwen_tokens_used"]) == "count"
    assert column_format(fields["seed"]) is None
    assert column_format(fields["original_prompt"]) == "clip"
    assert column_format(fields["status"]) is None  # choices are Django's
    assert column_format(fields["id"]) is None


def test_every_project_admin_writes_its_columns_with_the_helper():
    project = [model_admin for model, model_admin in admin.site._registry.items()
               if model._meta.app_label in {"prompts", "configs", "generations", "analytics", "gpu"}]

    assert project and all(isinstance(model_admin, PortalAdmin) for model_admin in project)


@pytest.mark.django_db
def test_list_cells_are_written_by_the_helper(admin_client):
    from tests.factories import PromptABTestFactory

    PromptABTestFactory(test_name="Formats", confidence_level=Decimal("0.97"), quality_improvement=Decimal("0.50"))

    tests = admin_client.get("/admin/analytics/promptabtest/").content.decode()

    assert '<span class="num">97.0%</span>' in tests and '<span class="num">+0.50</span>' in tests
