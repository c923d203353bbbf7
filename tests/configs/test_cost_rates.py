"""Cost rates: history (the rate in force at a time), validation per field, read-only once in force; admin and API."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from configs.models import CostRate
from configs.selectors import rate_at
from configs.services import cost_rate_create, cost_rate_delete, cost_rate_save
from tests.factories import CostRateFactory

pytestmark = pytest.mark.django_db
SEEDED_FROM = datetime(2020, 1, 1, tzinfo=UTC)


def _rate(backend: str, when: datetime):
    rate = rate_at(backend, when)
    return None if rate is None else (rate.unit, rate.rate)


def test_the_migration_seeds_the_rates_that_were_constants():
    rows = sorted(CostRate.objects.values_list("backend", "unit", "rate", "effective_from"))

    assert rows == [
        ("qwen", "per_million_tokens", Decimal("0.400000"), SEEDED_FROM),
        ("sdxl", "per_gpu_hour", Decimal("2.500000"), SEEDED_FROM),
        ("wan", "per_gpu_hour", Decimal("2.500000"), SEEDED_FROM),
    ]
    assert rate_at("clip", timezone.now()) is None


def test_the_rate_in_force_is_the_latest_row_started_by_then():
    t1, t2 = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    CostRateFactory(backend="sdxl", rate="3.000000", effective_from=t1)
    CostRateFactory(backend="sdxl", rate="4.000000", effective_from=t2)
    CostRateFactory(backend="wan", rate="9.000000", effective_from=t1 - timedelta(days=1))

    assert _rate("sdxl", SEEDED_FROM - timedelta(seconds=1)) is None
    assert _rate("sdxl", SEEDED_FROM) == ("per_gpu_hour", Decimal("2.500000"))
    assert _rate("sdxl", t1 - timedelta(microseconds=1)) == ("per_gpu_hour", Decimal("2.500000"))
    assert _rate("sdxl", t1) == ("per_gpu_hour", Decimal("3.000000"))
    assert _rate("sdxl", t2 - timedelta(days=1)) == ("per_gpu_hour", Decimal("3.000000"))
    assert _rate("sdxl", t2 + timedelta(days=400)) == ("per_gpu_hour", Decimal("4.000000"))
    assert _rate("wan", t1) == ("per_gpu_hour", Decimal("9.000000"))
    assert _rate("qwen", t2) == ("per_million_tokens", Decimal("0.400000"))


def test_rates_are_read_once_per_backend_and_cache_period(django_assert_num_queries):
    now = timezone.now()
    with django_assert_num_queries(1):
        rate_at("sdxl", now)
        rate_at("sdxl", now - timedelta(days=30))
        rate_at("sdxl", now + timedelta(days=30))


def test_a_new_rate_is_seen_at_once_by_this_process():
    now = timezone.now()
    assert _rate("sdxl", now + timedelta(hours=2)) == ("per_gpu_hour", Decimal("2.500000"))  # cached

    cost_rate_create(backend="sdxl", unit="per_gpu_hour", rate=Decimal("3.1"), effective_from=now + timedelta(hours=1))

    assert _rate("sdxl", now + timedelta(hours=2)) == ("per_gpu_hour", Decimal("3.100000"))
    assert _rate("sdxl", now) == ("per_gpu_hour", Decimal("2.500000"))


def test_create_records_who_and_defaults_to_now(superuser):
    before = timezone.now()

    rate = cost_rate_create(backend="clip", unit="per_gpu_hour", rate=Decimal("1.2"), note="A100 spot",
                            created_by=superuser)

    rate.refresh_from_db()
    assert (rate.backend, rate.unit, rate.rate, rate.note, rate.created_by) == (
        "clip", "per_gpu_hour", Decimal("1.200000"), "A100 spot", superuser)
    assert before <= rate.effective_from <= timezone.now()


@pytest.mark.parametrize("fields,field,message", [
    ({"rate": Decimal("-0.01")}, "rate", "The rate cannot be negative: enter 0 or more US dollars."),
    ({"unit": "per_million_tokens"}, "unit",
     "The sdxl backend is priced USD per GPU-hour, not USD per million tokens."),
    ({"unit": "per_second"}, "unit", "Value 'per_second' is not a valid choice."),
    ({"backend": "flux"}, "backend", "Value 'flux' is not a valid choice."),
    ({"effective_from": datetime(2026, 1, 1, tzinfo=UTC)}, "effective_from",
     "A new rate cannot start in the past: the costs already recorded were priced at the rate then in force. "
     "Enter now or a later time."),
])
def test_invalid_rates_are_refused_on_their_field(fields, field, message):
    values = {"backend": "sdxl", "unit": "per_gpu_hour", "rate": Decimal("2"), **fields}

    with pytest.raises(ValidationError) as error:
        cost_rate_create(**values)

    assert error.value.message_dict == {field: [message]}
    assert CostRate.objects.count() == 3


def test_qwen_may_be_priced_by_gpu_time_too():
    rate = cost_rate_create(backend="qwen", unit="per_gpu_hour", rate=Decimal("1.5"))

    assert _rate("qwen", rate.effective_from) == ("per_gpu_hour", Decimal("1.500000"))


def test_two_rates_of_a_backend_cannot_start_at_the_same_instant():
    start = timezone.now() + timedelta(days=1)
    cost_rate_create(backend="wan", unit="per_gpu_hour", rate=Decimal("3"), effective_from=start)

    with pytest.raises(ValidationError) as error:
        cost_rate_create(backend="wan", unit="per_gpu_hour", rate=Decimal("4"), effective_from=start)

    assert error.value.messages == ["This backend already has a rate starting then."]


def test_a_rate_in_force_cannot_be_changed_or_deleted():
    rate = CostRate.objects.get(backend="sdxl")
    rate.rate = Decimal("9")

    with pytest.raises(ValidationError) as changed:
        cost_rate_save(cost_rate=rate)
    with pytest.raises(ValidationError) as deleted:
        cost_rate_delete(cost_rate=rate)

    expected = ("This rate has been in force since 2020-01-01 00:00 UTC and may have priced stages: it cannot be "
                "changed or deleted. Add a new rate instead.")
    assert changed.value.messages == deleted.value.messages == [expected]
    assert CostRate.objects.get(backend="sdxl").rate == Decimal("2.500000")


def test_a_scheduled_rate_can_be_changed_and_deleted_until_it_starts():
    rate = cost_rate_create(backend="wan", unit="per_gpu_hour", rate=Decimal("3"),
                            effective_from=timezone.now() + timedelta(days=2))
    rate.rate = Decimal("3.25")

    cost_rate_save(cost_rate=rate)
    assert CostRate.objects.get(pk=rate.pk).rate == Decimal("3.250000")
    cost_rate_delete(cost_rate=rate)

    assert not CostRate.objects.filter(pk=rate.pk).exists()


# --- admin -----------------------------------------------------------------------------------------------------

def test_admin_history_is_dense_and_a_rate_in_force_is_read_only(admin_client):
    scheduled = cost_rate_create(backend="sdxl", unit="per_gpu_hour", rate=Decimal("2.75"),
                                 effective_from=timezone.now() + timedelta(days=3))
    seeded = CostRate.objects.get(backend="sdxl", rate=Decimal("2.5"))

    changelist = admin_client.get(reverse("admin:configs_costrate_changelist") + "?backend=sdxl")
    in_force_page = admin_client.get(reverse("admin:configs_costrate_change", args=[seeded.pk]))
    refused = admin_client.post(reverse("admin:configs_costrate_change", args=[seeded.pk]),
                                {"backend": "sdxl", "unit": "per_gpu_hour", "rate": "9", "note": "",
                                 "effective_from_0": "2030-01-01", "effective_from_1": "00:00:00"})
    scheduled_page = admin_client.get(reverse("admin:configs_costrate_change", args=[scheduled.pk]))

    html = changelist.content.decode()
    assert changelist.status_code == 200 and changelist.context["cl"].result_count == 2
    assert "2.750000" in html and "2.500000" in html and "scheduled" in html and "in force" in html
    assert in_force_page.status_code == 200 and not in_force_page.context["has_change_permission"]
    assert refused.status_code == 403
    assert CostRate.objects.get(pk=seeded.pk).rate == Decimal("2.500000")
    assert scheduled_page.context["has_change_permission"]


def test_admin_adds_a_rate_with_its_author_and_names_the_bad_field(admin_client, superuser):
    start = timezone.now() + timedelta(days=1)
    url = reverse("admin:configs_costrate_add")
    form = {"backend": "wan", "unit": "per_gpu_hour", "note": "H100",
            "effective_from_0": start.strftime("%Y-%m-%d"), "effective_from_1": start.strftime("%H:%M:%S")}

    bad = admin_client.post(url, {**form, "rate": "-1"})
    past = admin_client.post(url, {**form, "rate": "3", "effective_from_0": "2025-01-01"})
    good = admin_client.post(url, {**form, "rate": "3.2"})

    assert bad.status_code == 200 and bad.context["adminform"].form.errors == {
        "rate": ["The rate cannot be negative: enter 0 or more US dollars."]}
    assert list(past.context["adminform"].form.errors) == ["effective_from"]
    assert good.status_code == 302
    created = CostRate.objects.get(backend="wan", note="H100")
    assert (created.rate, created.created_by) == (Decimal("3.200000"), superuser)


# --- API -------------------------------------------------------------------------------------------------------

def test_api_lists_the_history_per_backend(api, django_assert_num_queries):
    CostRateFactory(backend="sdxl", rate="3.000000", effective_from=datetime(2026, 3, 1, tzinfo=UTC))

    with django_assert_num_queries(2):  # the page's count, its rows
        response = api.get("/api/cost-rates/?backend=sdxl")

    assert response.status_code == 200
    assert [(row["rate"], row["effective_from"], row["in_force"]) for row in response.json()["results"]] == [
        (3.0, "2026-03-01T00:00:00Z", True), (2.5, "2020-01-01T00:00:00Z", True)]


def test_api_creates_a_rate(api, superuser):
    response = api.post("/api/cost-rates/", {"backend": "clip", "unit": "per_gpu_hour", "rate": "1.25",
                                             "note": "scorer on the same GPU"})

    assert response.status_code == 201
    body = response.json()
    assert (body["backend"], body["unit"], body["rate"], body["in_force"], body["created_by"]) == (
        "clip", "per_gpu_hour", 1.25, True, superuser.pk)


@pytest.mark.parametrize("body,field", [
    ({"rate": "-2"}, "rate"),
    ({"unit": "per_million_tokens"}, "unit"),
    ({"backend": "flux"}, "backend"),
    ({"effective_from": "2025-01-01T00:00:00Z"}, "effective_from"),
    ({"rate": "abc"}, "rate"),
    ({"colour": "red"}, "colour"),
])
def test_api_validation_errors_name_the_field(api, body, field):
    response = api.post("/api/cost-rates/", {"backend": "wan", "unit": "per_gpu_hour", "rate": "2", **body})

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert CostRate.objects.count() == 3


def test_api_writes_need_the_add_permission(role_user):
    client = APIClient()
    client.force_authenticate(role_user("viewer"))

    listed = client.get("/api/cost-rates/")
    created = client.post("/api/cost-rates/", {"backend": "wan", "unit": "per_gpu_hour", "rate": "2"})

    assert (listed.status_code, created.status_code) == (200, 403)
    assert CostRate.objects.count() == 3
