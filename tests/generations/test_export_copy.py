"""The jobs CSV export through PostgreSQL's ``COPY … TO STDOUT``: the same cells as the Python path.

The COPY tests need PostgreSQL (CI sets DATABASE_URL); on SQLite they are skipped
and the last test checks that SQLite keeps the Python path.
"""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from generations import export
from generations.export import COLUMNS, job_csv_lines
from generations.models import Job
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="COPY … TO STDOUT is PostgreSQL's; SQLite exports through Python")
FORMULAS = ("=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx")


def _rows(chunks) -> list[list[str]]:
    text = "".join(chunk.decode() if isinstance(chunk, bytes) else chunk for chunk in chunks)
    return list(csv.reader(io.StringIO(text)))


def _by_id(rows) -> dict[str, list[str]]:
    return {row[0]: row for row in rows[1:]}


def _varied_jobs() -> list[Job]:
    rater = UserFactory(username="=rater")
    return [
        JobFactory(original_prompt='a "quoted", comma\nand a new line', negative_prompt="", notes="",
                   seed=-42, clip_score=25.0, rating_mean=Decimal("3.50"), rating_count=2, quality_rating=4,
                   guidance_scale=Decimal("7.5"), qwen_expansion_percentage=Decimal("-12.50"), rated_by=rater,
                   created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
                   rated_at=datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), width=1024, height=1024),
        JobFactory(original_prompt="=HYPERLINK(\"http://evil\")", enhanced_prompt="+cmd", final_prompt="@x",
                   negative_prompt="-blurry", notes="\tindented", error_message="\rreturn", test_series="-series",
                   seed=0, clip_score=23.456, status="failed", failure_reason="timeout", user=None,
                   started_at=datetime(2025, 3, 4, 5, 6, 7, 100, tzinfo=UTC), attempts=3),
        JobFactory(original_prompt="ünïcødé 🎨, portrait", seed=2**40, clip_score=1e-05,
                   qwen_expansion_percentage=Decimal("0.00"), enhancement_time_ms=1234, inference_time_ms=0),
        JobFactory(original_prompt="plain", model_type="WAN", job_type="text_to_video", frame_count=81),
    ]


@postgres_only
def test_copy_export_has_the_cells_of_the_python_export():
    # given jobs with every kind of cell: quotes, new lines, formulas, negatives, floats, decimals, timestamps
    _varied_jobs()
    queryset = Job.objects.all()
    # when both paths export them
    python = _rows(job_csv_lines(queryset, use_copy=False))
    copied = _rows(job_csv_lines(queryset, use_copy=True))
    # then the header and every row are the same
    assert copied[0] == python[0] == list(COLUMNS)
    assert _by_id(copied) == _by_id(python)
    assert len(copied) == 5


@postgres_only
def test_copy_export_escapes_formulas_in_every_text_column():
    # given a job whose text cells all start like a formula, and a negative seed
    rater = UserFactory(username="@rater")
    job = JobFactory(original_prompt="=1+1", enhanced_prompt="+cmd", final_prompt="-2", negative_prompt="@SUM(A1)",
                     notes="\tx", error_message="\rx", test_series="=series", rated_by=rater, seed=-7,
                     user=UserFactory(username="-user"))
    # when
    row = _by_id(_rows(job_csv_lines(Job.objects.all(), use_copy=True)))[str(job.pk)]
    cell = dict(zip(COLUMNS, row))
    # then each starts with an apostrophe
    assert [cell[name] for name in ("original_prompt", "enhanced_prompt", "final_prompt", "negative_prompt",
                                    "notes", "error_message", "test_series")] == [
        "'=1+1", "'+cmd", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "'=series"]
    assert (cell["user__username"], cell["rated_by__username"], cell["seed"]) == ("'-user", "'@rater", "'-7")


@postgres_only
def test_copy_export_streams_bytes_in_large_chunks(monkeypatch):
    # given more rows than one chunk holds
    monkeypatch.setattr(export, "STREAM_CHUNK_BYTES", 1024)
    JobFactory.create_batch(40, original_prompt="x" * 100)
    # when
    chunks = list(job_csv_lines(Job.objects.all()))
    # then the stream is bytes, several chunks, none much over the chunk size
    assert all(isinstance(chunk, bytes) for chunk in chunks) and len(chunks) > 3
    assert max(len(chunk) for chunk in chunks[:-1]) < 1024 + 1000
    assert len(_rows(chunks)) == 41


@postgres_only
def test_admin_export_through_copy_keeps_the_changelist_filters(admin_client):
    # given jobs of two model types, one failed
    wanted = [JobFactory(model_type="SDXL", original_prompt="=sdxl"),
              JobFactory(model_type="SDXL", status="failed", failure_reason="timeout", original_prompt="sdxl 2")]
    JobFactory(model_type="WAN", job_type="text_to_video", original_prompt="wan")
    # when the SDXL jobs are exported, and then only the failed ones
    sdxl = admin_client.get(reverse("admin:generations_job_export"), {"model_type__exact": "SDXL"})
    failed = admin_client.get(reverse("admin:generations_job_export"),
                              {"model_type__exact": "SDXL", "status__exact": "failed"})
    # then each export holds exactly its rows, escaped
    sdxl_rows = _by_id(_rows(sdxl.streaming_content))
    assert sorted(sdxl_rows) == sorted(str(job.pk) for job in wanted)
    assert sdxl_rows[str(wanted[0].pk)][COLUMNS.index("original_prompt")] == "'=sdxl"
    assert list(_by_id(_rows(failed.streaming_content))) == [str(wanted[1].pk)]


@postgres_only
def test_selected_and_prompt_testing_exports_go_through_copy(admin_client):
    # given jobs of two test series
    first = JobFactory(test_series="s1", original_prompt="-one")
    JobFactory(test_series="s2")
    # when the action exports one selected job and the testing page exports series s1
    selected = admin_client.post(reverse("admin:generations_job_changelist"),
                                 {"action": "export_selected", "_selected_action": [str(first.pk)], "index": 0})
    series = admin_client.get(reverse("admin:generations_job_prompt_testing_export"), {"series": "s1"})
    # then both hold that job alone
    for response in (selected, series):
        rows = _rows(response.streaming_content)
        assert [row[0] for row in rows[1:]] == [str(first.pk)]
        assert rows[1][COLUMNS.index("original_prompt")] == "'-one"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="checks the SQLite path")
def test_sqlite_keeps_the_python_path(monkeypatch, admin_client):
    # given COPY made unusable
    def refuse(*args, **kwargs):
        raise AssertionError("COPY used on SQLite")

    monkeypatch.setattr(export, "job_csv_copy_chunks", refuse)
    job = JobFactory(original_prompt="+cmd")
    # when
    rows = _rows(admin_client.get(reverse("admin:generations_job_export")).streaming_content)
    # then the Python path wrote it
    assert rows[1][0] == str(job.pk) and rows[1][COLUMNS.index("original_prompt")] == "'+cmd"
