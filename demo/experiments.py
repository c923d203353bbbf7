"""A/B tests of enhancement and the portal's feature progress (document 000).

The demo tests go through the real pieces: arms checked by
``analytics.abtests.arms``, planned pairs from the power calculation, seeds
from ``pair_seed`` for the draft, and results by ``ab_test_refresh_results``.
Started tests are paired with demo jobs that ran the same prompt and seed on
both arms (the enhanced jobs and their unenhanced twins, see
``demo.jobs``), so nothing about those jobs is made up here.
"""

import random
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from analytics.abtests.arms import arms_all_resolve
from analytics.abtests.services import ab_test_plan, ab_test_refresh_results, pair_seed
from analytics.choices import ABTestStatus
from analytics.models import ABTestPair, AdminDevelopmentProgress, PromptABTest
from demo.keys import demo_uuid, insert_missing
from generations.models import GenerationImageOutput, Job
from ourvidz_admin.choices import JobStatus, JobType

PLAIN = {"enhancement_strategy": "none"}
# (name, series, model, baseline arm, enhanced arm, lift, sd, days ago, started, only fully rated pairs)
# The last one is a draft with more arms (VARIANTS): start it from its page to see the blind page's A-D.
AB_TESTS = (
    ("Qwen rewrite vs plain (SDXL portraits)", "portrait-baseline", "SDXL", PLAIN, {"enhancement_strategy": "qwen"},
     "1.20", "1.00", 21, True, True),
    ("Hybrid vs plain (SDXL)", "compel-weights-grid", "SDXL", PLAIN, {"enhancement_strategy": "hybrid"},
     "0.75", "1.20", 14, True, False),
    ("WAN motion prompts: Qwen vs plain", "wan-motion-ab", "WAN", PLAIN, {"enhancement_strategy": "qwen"},
     "0.75", "1.20", 9, True, False),
    ("Default Compel weights vs plain (draft)", "compel-defaults-ab", "SDXL", PLAIN,
     {"enhancement_strategy": "compel", "compel_config": str(demo_uuid("compel", "Default weights"))},
     "0.50", "1.00", 2, False, False),
    ("Every strategy vs plain (draft, four arms)", "strategy-shootout", "SDXL", PLAIN,
     {"enhancement_strategy": "qwen"}, "1.00", "1.20", 1, False, False),
)
VARIANTS = {"Every strategy vs plain (draft, four arms)": [{"name": "compel", "enhancement_strategy": "compel"},
                                                            {"name": "hybrid", "enhancement_strategy": "hybrid"}]}
DRAFT_PROMPTS = ("portrait of a woman with freckles", "a ceramic teapot on a linen tablecloth",
                 "a samurai in a bamboo forest", "a glass perfume bottle with water droplets",
                 "a mountain lake at dawn", "a street musician playing violin")
# (feature, category, status, priority, owner, estimate, actual, started days ago, finished days ago, notes)
FEATURES = (
    ("Prompt Testing", "testing", "completed", "P0", "maya.prompt", 24, 28, 60, 45, "Batch of 5, CSV export."),
    ("Enhanced Prompt Analytics", "analytics", "completed", "P0", "li.ml", 40, 46, 50, 30, "Qwen/Compel views."),
    ("Model Analytics", "analytics", "completed", "P0", "li.ml", 24, 20, 44, 32, "Daily rollups per model."),
    ("Live Monitoring", "monitoring", "in_progress", "P1", "jonas.ops", 32, 18, 20, None, "Hourly metrics live."),
    ("Job Management", "jobs", "completed", "P1", "sam.render", 30, 34, 40, 25, "Filters, retry, cancel, export."),
    ("Model Configuration", "configuration", "in_progress", "P1", "li.ml", 28, 16, 15, None, "Presets done."),
    ("A/B Testing Framework", "analytics", "in_progress", "P1", "priya.eval", 36, 12, 10, None, ""),
    ("System Health", "monitoring", "not_started", "P2", "jonas.ops", 20, None, None, None, ""),
    ("User Management", "admin", "blocked", "P2", "maya.prompt", 16, 4, 12, None, ""),
    ("Prompt Cache Refresh", "prompts", "not_started", "P2", "tomas.video", 12, None, None, None, ""),
)


def _ab_test(name, series, model, baseline, enhanced, lift, sd, days, now) -> PromptABTest:
    arms = arms_all_resolve(baseline=baseline, enhanced=enhanced, variants=VARIANTS.get(name, []), model_type=model)
    plan = ab_test_plan(target_lift=lift, alpha="0.050", power="0.80", sd_difference=sd, comparisons=len(arms) - 1)
    return PromptABTest(
        id=demo_uuid("ab-test", name), test_name=name, test_series=series, model_type=model,
        baseline_config=arms[0][1].as_json(), enhanced_config=arms[1][1].as_json(),
        variants=[{"name": arm_name, **arm.as_json()} for arm_name, arm in arms[2:]], target_lift=plan.target_lift,
        alpha=plan.alpha, power=plan.power, sd_difference=plan.sd_difference, planned_pairs=plan.planned_pairs,
        created_at=now - timedelta(days=days), description="Demo test.",
    )


def _draft_pairs(test: PromptABTest) -> list[ABTestPair]:
    rng = random.Random(str(test.pk))
    arms = 2 + len(test.variants)
    base = rng.sample(range(arms), arms)
    orders = [base[n % arms:] + base[:n % arms] if arms > 2 else None for n in range(test.planned_pairs)]
    return [ABTestPair(id=demo_uuid("ab-pair", f"{test.pk}/{n}"), ab_test=test, position=n,
                       prompt_text=DRAFT_PROMPTS[(n - 1) % len(DRAFT_PROMPTS)], seed=pair_seed(test.pk, n),
                       enhanced_first=order.index(1) < order.index(0) if order else rng.random() < 0.5,
                       arm_order=order, created_at=test.created_at)
            for n, order in enumerate(orders, start=1)]


def seed_experiments() -> dict[str, int]:
    """Insert the missing A/B tests (the draft one with its prompts) and development-progress rows."""
    now = timezone.now()
    tests = [_ab_test(*row[:8], now) for row in AB_TESTS]
    drafts = [pair for test, row in zip(tests, AB_TESTS) if not row[8] for pair in _draft_pairs(test)]
    today = now.date()
    features = [
        AdminDevelopmentProgress(
            id=demo_uuid("feature", name), feature_name=name, feature_category=category, status=status,
            priority=priority, assigned_to=owner, estimated_hours=estimate, actual_hours=actual,
            start_date=today - timedelta(days=started) if started else None,
            completion_date=today - timedelta(days=finished) if finished else None, notes=notes,
            blockers="Waiting for SSO groups from IT." if status == "blocked" else "",
            created_at=now - timedelta(days=65),
        )
        for name, category, status, priority, owner, estimate, actual, started, finished, notes in FEATURES
    ]
    counts = {"ab_tests": insert_missing(PromptABTest, tests, ("test_name",))}
    counts["ab_draft_pairs"] = insert_missing(ABTestPair, drafts, ("ab_test", "position"), unchecked=("ab_test",))
    counts["features"] = insert_missing(AdminDevelopmentProgress, features, ("feature_name",))
    return counts


def _twin_jobs(test: PromptABTest, fully_rated: bool) -> list[tuple]:
    """(enhanced job, baseline job, prompt, seed) of unpaired demo jobs that ran one prompt and seed on both arms.

    Jobs shown to raters are completed with an output; failed ones count for the success rates, except in
    ``fully_rated`` tests, which take only rated outputs.
    """
    def arm_jobs(arm: dict):
        shown = Q(status=JobStatus.COMPLETED) & Exists(GenerationImageOutput.objects.filter(job=OuterRef("pk")))
        jobs = Job.objects.filter(
            shown if fully_rated else shown | Q(status=JobStatus.FAILED),
            model_type=test.model_type, enhancement_strategy=arm["enhancement_strategy"],
            job_type__in=(JobType.TEXT_TO_IMAGE, JobType.TEXT_TO_VIDEO),
            ab_baseline_pair__isnull=True, ab_enhanced_pair__isnull=True,
        )
        if arm.get("compel_config"):
            jobs = jobs.filter(compel_config_id=arm["compel_config"])
        if fully_rated:
            jobs = jobs.filter(quality_rating__isnull=False)
        return jobs.order_by("created_at", "id").values_list("pk", "original_prompt", "seed")

    baselines = {(prompt, seed): pk for pk, prompt, seed in arm_jobs(test.baseline_config)}
    return [(pk, baselines[(prompt, seed)], prompt, seed) for pk, prompt, seed in arm_jobs(test.enhanced_config)
            if (prompt, seed) in baselines]


def _link_pairs(test: PromptABTest, fully_rated: bool) -> int:
    """Add pairs up to the plan from the twin jobs not yet in a test; mark the test started."""
    have = test.pairs.count()
    twins = _twin_jobs(test, fully_rated)[: max(0, test.planned_pairs - have)]
    rng = random.Random(f"{test.pk}/{have}")
    pairs = [ABTestPair(id=demo_uuid("ab-pair", f"{test.pk}/{n}"), ab_test=test, position=n, prompt_text=prompt,
                        seed=seed, enhanced_job_id=enhanced, baseline_job_id=baseline,
                        enhanced_first=rng.random() < 0.5, created_at=test.created_at)
             for n, (enhanced, baseline, prompt, seed) in enumerate(twins, start=have + 1)]
    inserted = insert_missing(ABTestPair, pairs, ("ab_test", "position"), unchecked=("ab_test", "baseline_job",
                                                                                      "enhanced_job"))
    Job.objects.filter(pk__in=[j for row in twins for j in row[:2]]).update(test_series=test.test_series)
    if test.status == ABTestStatus.DRAFT and have + inserted:
        started = test.created_at + timedelta(hours=2)
        PromptABTest.objects.filter(pk=test.pk).update(
            status=ABTestStatus.RUNNING, started_at=started, completed_at=started + timedelta(days=6))
    return inserted


def seed_ab_pairs() -> dict[str, int]:
    """Pair the started demo tests with demo jobs, then compute every demo test's results for real."""
    linked = 0
    for name, *_rest, started, fully_rated in AB_TESTS:
        test = PromptABTest.objects.filter(pk=demo_uuid("ab-test", name)).first()
        if test is None:
            continue
        if started:
            linked += _link_pairs(test, fully_rated)
        # Keeps the completion date set above when the rated pairs reach the plan, clears it otherwise.
        ab_test_refresh_results(ab_test=test)
    return {"ab_pairs": linked}
