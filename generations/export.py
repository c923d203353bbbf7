"""CSV export of jobs as a stream: starts at once, never holds the result in memory.

Cells that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``,
``@``, tab or carriage return) are prefixed with an apostrophe (OWASP's
CSV-injection advice), so an exported prompt like ``=HYPERLINK(...)`` stays text.
"""

import csv
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "id", "created_at", "user__username", "model_type", "job_type", "enhancement_strategy", "status",
    "failure_reason", "quality_rating", "rating_mean", "rating_count", "clip_score", "rated_by__username", "rated_at",
    "notes", "seed", "num_inference_steps",
    "guidance_scale", "width", "height", "frame_count", "enhancement_time_ms", "qwen_expansion_percentage",
    "inference_time_ms", "started_at", "completed_at", "attempts", "test_series", "original_prompt",
    "enhanced_prompt", "final_prompt", "negative_prompt", "error_message",
)
CHUNK = 2000


def csv_safe(value) -> str:
    """The cell as text, neutralised when a spreadsheet would treat it as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value):
        return value


def job_csv_lines(queryset) -> Iterator[str]:
    """Header, then one CSV line per job, read from the database in chunks of 2,000 rows."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in queryset.order_by().values_list(*COLUMNS).iterator(chunk_size=CHUNK):
        yield writer.writerow([csv_safe(value) for value in row])


def job_csv_response(queryset, *, name: str = "jobs") -> StreamingHttpResponse:
    """A streaming CSV download of ``queryset``."""
    response = StreamingHttpResponse(job_csv_lines(queryset), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
