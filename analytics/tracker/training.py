"""The prompt tracker's curated training-data export (document 003 ``get_prompts_for_ai_training``).

``good_prompts``: successful prompts rated at least ``min_rating`` (the
tracker's own rating, else the rating of the job it came from), newest first.
``failed_prompts_by_category``: failed prompts per failure reason, newest
first within a reason, taken round-robin across reasons until ``max_failed``
so that no single reason crowds out the rest. ``analysis``: what separates
good from failed and from low-rated (1-2 star) prompts.
"""

import re
from collections import Counter
from statistics import mean, median

from django.db.models.functions import Coalesce

from generations.choices import TrackerOutcome
from generations.models import TrackedPrompt
from generations.prompt_analysis import analyse_prompt
from ourvidz_admin.choices import FailureReason

TOP_TERMS = 20
MIN_TERM_COUNT = 2
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
him his how i if in into is it its itself just me more most my no nor not of off on once only or other our ours
out over own same she should so some such than that the their theirs them then there these they this those
through to too under until up very was we were what when where which while who whom why will with would you
your yours
""".split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def prompt_terms(text: str) -> list[str]:
    """Lowercased words of two letters or more, stopwords removed (digits and weights like 1.3 dropped)."""
    return [word for word in _WORD.findall(text.lower()) if len(word) > 1 and word not in STOPWORDS]


def _rated():
    return TrackedPrompt.objects.annotate(rating=Coalesce("quality_rating", "job__quality_rating"))


def _good(entry) -> dict:
    return {"id": str(entry.pk), "prompt": entry.prompt, "ai_model": entry.ai_model, "quality_rating": entry.rating,
            "save_method": entry.save_method, "result_url": entry.result_url, "feedback": entry.feedback,
            "model_parameters": entry.model_parameters, "created_at": entry.created_at.isoformat()}


def _failed(entry) -> dict:
    return {"id": str(entry.pk), "prompt": entry.prompt, "ai_model": entry.ai_model,
            "failure_reason": entry.failure_reason, "error_message": entry.error_message,
            "model_parameters": entry.model_parameters, "created_at": entry.created_at.isoformat()}


def failed_round_robin(max_failed: int) -> dict[str, list]:
    """Up to ``max_failed`` failed prompts, one per reason in turn (reasons in FailureReason order)."""
    queues = {}
    for reason in FailureReason.values:
        rows = list(TrackedPrompt.objects.filter(outcome=TrackerOutcome.FAILED, failure_reason=reason)
                    .order_by("-created_at", "-id")[:max_failed])
        if rows:
            queues[reason] = rows
    picked = {reason: [] for reason in queues}
    taken, depth = 0, 0
    while taken < max_failed and any(depth < len(rows) for rows in queues.values()):
        for reason, rows in queues.items():
            if depth < len(rows) and taken < max_failed:
                picked[reason].append(rows[depth])
                taken += 1
        depth += 1
    return {reason: [_failed(row) for row in rows] for reason, rows in picked.items() if rows}


def _figure(values: list[int]) -> dict:
    if not values:
        return {"mean": None, "median": None}
    return {"mean": round(mean(values), 2), "median": round(float(median(values)), 2)}


def group_stats(prompts: list[str]) -> dict:
    """Count, mean/median of length, words and special characters, and the top terms of ``prompts``."""
    figures = [analyse_prompt(text) for text in prompts]
    terms = Counter(term for text in prompts for term in prompt_terms(text))
    top = sorted(terms.items(), key=lambda item: (-item[1], item[0]))[:TOP_TERMS]
    stats = {"count": len(prompts)}
    for name in ("prompt_length", "word_count", "special_char_count"):
        stats[name] = _figure([figure[name] for figure in figures])
    stats["top_terms"] = [[term, count] for term, count in top]
    return stats


def over_represented(first: list[str], second: list[str]) -> list[list]:
    """Terms more frequent in ``first`` than ``second``: share of prompts containing them, add-one smoothed.

    ratio = ((in_first + 1) / (len(first) + 1)) / ((in_second + 1) / (len(second) + 1)), for terms in at
    least ``MIN_TERM_COUNT`` prompts of ``first`` and a ratio above 1; the top 20 by ratio.
    """
    docs_first = Counter(term for text in first for term in set(prompt_terms(text)))
    docs_second = Counter(term for text in second for term in set(prompt_terms(text)))
    rows = []
    for term, count in docs_first.items():
        if count < MIN_TERM_COUNT:
            continue
        ratio = ((count + 1) / (len(first) + 1)) / ((docs_second[term] + 1) / (len(second) + 1))
        if ratio > 1:
            rows.append([term, count, docs_second[term], round(ratio, 3)])
    return sorted(rows, key=lambda row: (-row[3], row[0]))[:TOP_TERMS]


def training_data_export(*, min_rating: int = 4, max_failed: int = 200, max_successful: int = 200) -> dict:
    """The curated export as a JSON-ready dict (see the module docstring)."""
    good = list(_rated().filter(outcome=TrackerOutcome.SUCCESS, rating__gte=min_rating)
                .order_by("-created_at", "-id")[:max_successful])
    low = list(_rated().filter(outcome=TrackerOutcome.SUCCESS, rating__lte=2)
               .order_by("-created_at", "-id").values_list("prompt", flat=True)[:max_successful])
    failed = failed_round_robin(max_failed)
    good_texts = [entry.prompt for entry in good]
    failed_texts = [entry["prompt"] for rows in failed.values() for entry in rows]
    return {
        "parameters": {"min_rating": min_rating, "max_failed": max_failed, "max_successful": max_successful},
        "good_prompts": [_good(entry) for entry in good],
        "failed_prompts_by_category": failed,
        "analysis": {
            "good": group_stats(good_texts),
            "failed": group_stats(failed_texts),
            "low_rated": group_stats(list(low)),
            "over_represented_good_vs_failed": over_represented(good_texts, failed_texts),
            "over_represented_good_vs_low_rated": over_represented(good_texts, list(low)),
        },
    }
