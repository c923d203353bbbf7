"""Writes of A/B tests: plan, create, start, cancel, rate by blind label, refresh the stored results.

Seeds: pair ``position`` of test ``id`` runs with seed
``int(sha256(f"{id}:{position}")[:4 bytes])`` (0 to 2³²-1) on every arm, so a
test's seeds can be recomputed from its id. Blind order: with two arms,
``enhanced_first`` is balanced (half the pairs, the odd one drawn) and shuffled
with the system's random source; with more, each pair's ``arm_order`` is a
rotation of one random order, rotations used in turn (each arm as often in each
place, up to one) and shuffled across the pairs. Fewer prompts than the plan asks for are cycled, each repeat
with its own seed, until ``planned_pairs`` pairs exist. See docs/metrics.md.
"""

import hashlib
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from analytics.abtests.arms import ARMS, Arm, arms_all_resolve, test_arms
from analytics.abtests.guardrails import guardrails_check
from analytics.abtests.outcomes import outcome_job_sync, outcomes_rebuild
from analytics.abtests.results import ab_test_results
from analytics.abtests.selectors import (
    ab_test_id_for_job,
    ab_test_unfinished_jobs,
    pair_arm_order,
    pair_jobs_by_label,
)
from analytics.choices import ABTestStatus
from analytics.models import ABTestArmJob, ABTestPair, PromptABTest
from analytics.stats import paired_sample_size
from generations.models import Job
from generations.services import job_rate, job_submit, jobs_cancel
from generations.validation import check_prompt
from ourvidz_admin.choices import JobStatus, ModelType
from ourvidz_admin.uploads import image_store, image_upload_check

CANCELLABLE = (ABTestStatus.DRAFT, ABTestStatus.RUNNING)
MAX_PAIRS = 1_000  # 2,000 jobs; a larger plan usually means the lift or the sd is unrealistic
# (field, lowest, highest, decimal places, lowest allowed, highest allowed): the columns' checks.
PLAN_LIMITS = {
    "target_lift": (Decimal("0.01"), Decimal("4"), 2, True, True),
    "alpha": (Decimal("0"), Decimal("0.5"), 3, False, False),
    "power": (Decimal("0.5"), Decimal("1"), 2, False, False),
    "sd_difference": (Decimal("0"), Decimal("9.99"), 2, False, True),
}
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Plan:
    """The power calculation: pairs needed to detect ``target_lift`` stars at ``alpha`` and ``power``."""

    target_lift: Decimal
    alpha: Decimal
    power: Decimal
    sd_difference: Decimal
    planned_pairs: int

    @property
    def effect_size(self) -> float:
        return float(self.target_lift / self.sd_difference)


def _decimal(name: str, value) -> Decimal:
    low, high, places, low_ok, high_ok = PLAN_LIMITS[name]
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({name: f"{name} must be a number, got {value!r}."}) from None
    if not number.is_finite() or number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError({name: f"{name} must be a number with at most {places} decimal places."})
    if number < low or number > high or (number == low and not low_ok) or (number == high and not high_ok):
        bounds = f"{'from' if low_ok else 'above'} {low} {'to' if high_ok else 'and below'} {high}"
        raise ValidationError({name: f"{name} must be {bounds}, got {number}."})
    return number


def ab_test_plan(*, target_lift, alpha, power, sd_difference, comparisons: int = 1) -> Plan:
    """Check the power inputs (per-field errors) and compute the number of pairs (``paired_sample_size``).

    A test comparing ``comparisons`` arms with the baseline plans at ``alpha / comparisons`` (Bonferroni,
    which Holm's adjusted p-values never need more pairs than).
    """
    values, errors = {}, {}
    for name, raw in (("target_lift", target_lift), ("alpha", alpha), ("power", power),
                      ("sd_difference", sd_difference)):
        try:
            values[name] = _decimal(name, raw)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        pairs = paired_sample_size(lift=float(values["target_lift"]), sd_difference=float(values["sd_difference"]),
                                   alpha=float(values["alpha"]) / max(1, comparisons), power=float(values["power"]))
    except ValueError as exc:
        raise ValidationError({"target_lift": str(exc)}) from None
    if pairs > MAX_PAIRS:
        raise ValidationError({"target_lift": (
            f"Detecting {values['target_lift']} stars with sd {values['sd_difference']} needs {pairs:,} pairs; "
            f"the limit is {MAX_PAIRS:,}. Raise target_lift or lower sd_difference.")})
    return Plan(planned_pairs=pairs, **values)


def pair_seed(test_id, position: int) -> int:
    """The seed both arms of pair ``position`` run with: 32 bits of ``sha256(f"{test_id}:{position}")``."""
    return int.from_bytes(hashlib.sha256(f"{test_id}:{position}".encode()).digest()[:4], "big")


def _blind_order(count: int) -> list[bool]:
    """``enhanced_first`` per pair: as many True as False (the odd one drawn), in random order."""
    chooser = random.SystemRandom()
    order = [index < count // 2 for index in range(count)]
    if count % 2 and chooser.random() < 0.5:
        order[-1] = True
    chooser.shuffle(order)
    return order


def _arm_orders(count: int, arms: int) -> list[list[int] | None]:
    """``arm_order`` per pair: None for two arms (``enhanced_first`` says it), else balanced rotations."""
    if arms <= 2:
        return [None] * count
    chooser = random.SystemRandom()
    base = list(range(arms))
    chooser.shuffle(base)
    orders = [base[index % arms:] + base[:index % arms] for index in range(count)]
    chooser.shuffle(orders)
    return orders


def _prompt_texts(prompts, planned: int) -> list[str]:
    """The prompts, stripped and checked, cycled up to ``planned`` pairs."""
    texts, errors = [], []
    for line, text in enumerate(prompts or [], start=1):
        if not str(text).strip():
            continue
        try:
            texts.append(check_prompt(str(text), field="prompts"))
        except ValidationError as exc:
            errors.append(f"Prompt {line}: {' '.join(exc.messages)}")
    if errors:
        raise ValidationError({"prompts": errors})
    if not texts:
        raise ValidationError({"prompts": "Give at least one prompt (one per line)."})
    if len(texts) > MAX_PAIRS:
        raise ValidationError({"prompts": f"{len(texts):,} prompts; the limit is {MAX_PAIRS:,}."})
    return [texts[index % len(texts)] for index in range(max(planned, len(texts)))]


def _collect(errors: dict, check, *args, **kwargs):
    """Run ``check``; on ValidationError keep its messages in ``errors`` and return None."""
    try:
        return check(*args, **kwargs)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
        return None


@transaction.atomic
def ab_test_create(*, test_name: str, test_series: str, model_type: str, baseline: dict, enhanced: dict,
                   prompts: list[str], target_lift, alpha, power, sd_difference, created_by=None,
                   description: str = "", input_image=None, guardrails=None, variants=None) -> PromptABTest:
    """Create a draft test with its pairs: plan, arms and prompts checked together, nothing written on error.

    ``variants`` are further arms (``[{"name": …, <arm settings>}, …]``) compared with the baseline like the
    enhanced arm. ``input_image`` (an upload) is the image every pair's jobs start from, so all arms see
    the same one.
    """
    errors: dict[str, list[str]] = {name: ["This field cannot be blank."] for name, value in (
        ("test_name", test_name), ("test_series", test_series)) if not (value or "").strip()}
    if model_type not in ModelType.values:
        errors["model_type"] = [f"Unknown model_type {model_type!r}; use one of: {', '.join(ModelType.values)}."]
    arms = _collect(errors, arms_all_resolve, baseline=baseline, enhanced=enhanced, variants=variants,
                    model_type=model_type) if "model_type" not in errors else None
    plan = _collect(errors, ab_test_plan, target_lift=target_lift, alpha=alpha, power=power,
                    sd_difference=sd_difference, comparisons=1 + len(variants or []))
    texts = _collect(errors, _prompt_texts, prompts, plan.planned_pairs if plan else 0)
    try:
        limits = guardrails_check(guardrails)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    checked = None
    if input_image is not None:
        try:
            checked = image_upload_check(input_image, label="The input image")
        except ValidationError as exc:
            errors["input_image"] = exc.messages
    if errors:
        raise ValidationError(errors)
    # Under abtests/, apart from job uploads: reclaiming an unused upload never takes a draft test's image.
    stored = image_store(checked, prefix="abtests").name if checked is not None else ""
    test = PromptABTest(
        test_name=(test_name or "").strip(), test_series=(test_series or "").strip(), description=description,
        model_type=model_type, baseline_config=arms[0][1].as_json(), enhanced_config=arms[1][1].as_json(),
        variants=[{"name": name, **arm.as_json()} for name, arm in arms[2:]],
        status=ABTestStatus.DRAFT, target_lift=plan.target_lift, alpha=plan.alpha, power=plan.power,
        sd_difference=plan.sd_difference, planned_pairs=plan.planned_pairs, created_by=created_by,
        guardrails=limits,
    )
    test.full_clean()
    test.save()
    orders = _arm_orders(len(texts), len(arms))
    firsts = (_blind_order(len(texts)) if len(arms) == 2
              else [order.index(1) < order.index(0) for order in orders])
    pairs = [ABTestPair(ab_test=test, position=position, prompt_text=text, seed=pair_seed(test.pk, position),
                        enhanced_first=first, arm_order=order, input_image=stored)
             for position, (text, first, order) in enumerate(zip(texts, firsts, orders), start=1)]
    for pair in pairs:
        pair.full_clean(exclude=["ab_test", "baseline_job", "enhanced_job"], validate_unique=False)
    ABTestPair.objects.bulk_create(pairs, batch_size=500)
    return test


def _submit(test: PromptABTest, pair: ABTestPair, arm: Arm, name: str, user) -> Job:
    inputs = []
    try:
        inputs = [default_storage.open(pair.input_image, "rb")] if pair.input_image else []
        return job_submit(prompt=pair.prompt_text, model_type=test.model_type, seed=pair.seed, user=user,
                          test_series=test.test_series, input_files=inputs, **arm.submit_kwargs())
    except OSError:
        raise ValidationError({"input_image": f"Prompt {pair.position}: the input image file is missing."}) from None
    except ValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"status": exc.messages}
        raise ValidationError({key: [f"Prompt {pair.position} ({name} arm): {m}" for m in messages]
                               for key, messages in detail.items()}) from exc
    finally:
        for handle in inputs:
            handle.close()


@transaction.atomic
def ab_test_start(*, ab_test: PromptABTest, user) -> PromptABTest:
    """Submit both arms of every pair (same prompt, same seed) and mark the test running; all or nothing."""
    test = PromptABTest.objects.select_for_update().get(pk=ab_test.pk)
    if test.status != ABTestStatus.DRAFT:
        raise ValidationError({"status": f"Only a draft test can be started; this one is {test.status}."})
    stored = test_arms(test)
    arms = arms_all_resolve(baseline=stored[0][1], enhanced=stored[1][1],
                            variants=[{"name": name, **arm} for name, arm in stored[2:]], model_type=test.model_type)
    pairs = list(test.pairs.order_by("position"))
    if not pairs:
        raise ValidationError({"prompts": "This test has no prompts."})
    variant_jobs = []
    for pair in pairs:
        # Submitted in the blind order, so no arm is always queued first.
        for index in pair_arm_order(pair):
            name, arm = arms[index]
            job = _submit(test, pair, arm, name, user)
            if index < 2:
                setattr(pair, f"{ARMS[index]}_job", job)
            else:
                variant_jobs.append(ABTestArmJob(pair=pair, arm=index, job=job))
    ABTestPair.objects.bulk_update(pairs, ["baseline_job", "enhanced_job"], batch_size=500)
    ABTestArmJob.objects.bulk_create(variant_jobs, batch_size=500)
    outcomes_rebuild(test.pk, len(arms))
    test.status, test.started_at = ABTestStatus.RUNNING, timezone.now()
    test.full_clean()
    test.save(update_fields=["status", "started_at"])
    return test


@transaction.atomic
def ab_test_cancel(*, ab_test: PromptABTest, user) -> PromptABTest:
    """Cancel a draft or running test for good; finished jobs and their ratings are kept.

    Every queued or processing job of its pairs goes through ``job_cancel``:
    queued ones are cancelled and dequeued, processing ones asked to stop at
    their next step, once this commits. The stored results are then refreshed,
    so the test shows what was measured. A cancelled test cannot be started
    or rated, and ``is_complete`` stays False.
    """
    test = PromptABTest.objects.select_for_update().get(pk=ab_test.pk)
    if test.status == ABTestStatus.CANCELLED:
        raise ValidationError({"status": "This test is already cancelled."})
    if test.status not in CANCELLABLE:
        raise ValidationError({"status": f"Only a draft or running test can be cancelled; this one is {test.status}."})
    # One locked update per job (up to 2,000): the price of the workers being told. A job that finished
    # between the query and its lock is refused by job_cancel, and kept, as it should be.
    jobs_cancel(jobs=ab_test_unfinished_jobs(ab_test=test).only("pk"), by=user)
    test.status = ABTestStatus.CANCELLED
    test.full_clean()
    test.save(update_fields=["status"])
    return ab_test_refresh_results(ab_test=test)


def _cents(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(_CENT, ROUND_HALF_UP)


@transaction.atomic
def ab_test_refresh_results(*, ab_test: PromptABTest) -> PromptABTest:
    """Recompute and store the results, the document's columns, and completion.

    A running test completes when ``planned_pairs`` pairs have both outputs
    rated; it goes back to running if ratings are cleared below that.
    """
    test = PromptABTest.objects.select_for_update().get(pk=ab_test.pk)
    results, now = ab_test_results(test), timezone.now()
    test.results, test.results_computed_at = results.as_json(), now
    test.baseline_avg_quality = _cents(results.baseline.mean)
    test.enhanced_avg_quality = _cents(results.enhanced.mean)
    both = results.baseline.mean is not None and results.enhanced.mean is not None
    test.quality_improvement = _cents(results.enhanced.mean - results.baseline.mean) if both else None
    test.confidence_level = _cents(results.confidence_level)
    newly_breached = results.guardrail_breached and not test.guardrail_breached
    test.guardrail_breached = results.guardrail_breached
    test.total_participants = results.rated_pairs
    if test.status in (ABTestStatus.RUNNING, ABTestStatus.COMPLETE):
        test.is_complete = results.complete
        test.status = ABTestStatus.COMPLETE if results.complete else ABTestStatus.RUNNING
        test.completed_at = (test.completed_at or now) if results.complete else None
    test.full_clean()
    test.save()
    if newly_breached:  # open its alert now, not at the next scheduled evaluation
        transaction.on_commit(_evaluate_guardrail_alerts)
    return test


def _evaluate_guardrail_alerts() -> None:
    from analytics.alerts.services import alerts_evaluate
    from analytics.choices import AlertMetric

    alerts_evaluate(metrics=[AlertMetric.AB_GUARDRAIL])


def ab_pair_job(pair: ABTestPair, label: str) -> Job:
    """The job shown as ``label`` (A is the first output shown, B the second, …) of a pair."""
    label = str(label).strip().upper()
    jobs = pair_jobs_by_label(pair)
    if label not in jobs:
        raise ValidationError({"label": f"label is {', '.join(list(jobs)[:-1])} or {list(jobs)[-1]}."})
    job = jobs[label]
    if job is None:
        raise ValidationError({"label": "This pair has not been started yet."})
    return job


def ab_pair_rate(*, pair: ABTestPair, label: str, rating: int, by) -> Job:
    """Rate output A, B, … of a pair through ``job_rate``; only completed outputs of a test not cancelled.

    The pair's own job takes the new stars too, so ``blind_pair(pair)`` answers without reading the pair again.
    """
    status = PromptABTest.objects.filter(pk=pair.ab_test_id).values_list("status", flat=True).first()
    if status == ABTestStatus.CANCELLED:
        raise ValidationError({"status": "This test is cancelled; its outputs can no longer be rated."})
    job = ab_pair_job(pair, label)
    if job.status != JobStatus.COMPLETED:
        raise ValidationError({"label": f"Output {label.upper()} cannot be rated: its job is {job.status}."})
    rated = job_rate(job=job, by=by, rating=rating)
    job.quality_rating = rated.quality_rating
    return rated


def ab_tests_refresh_for_job(*, job_id) -> PromptABTest | None:
    """Refresh the test whose pair holds job ``job_id`` (rated or finished); None when it is in no test.

    The job's outcome row takes its figures first; a test without outcome rows yet is found through its pairs
    (its rows are then built by the results' read).
    """
    test_id = outcome_job_sync(job_id) or ab_test_id_for_job(job_id)
    if test_id is None:
        return None
    return ab_test_refresh_results(ab_test=PromptABTest(pk=test_id))
