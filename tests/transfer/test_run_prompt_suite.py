"""run_prompt_suite submits a tag's active versions and gates on success rate and mean rating."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from configs.services import model_backend_set
from generations.models import Job
from tests.factories import PromptTagFactory, PromptVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def suite():
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=f"/models/{family}", model_name=f"tiny-{family}")
    tag = PromptTagFactory(name="smoke")
    versions = [PromptVersionFactory(name=f"v{n}", user_prompt=f"a lighthouse {n}", model_name=model)
                for n, model in enumerate(["SDXL", "WAN", "", "SDXL"])]
    for version in versions[:3]:
        version.tags.add(tag)
    versions[3].tags.add(tag)
    versions[3].deleted_at = timezone.now()
    versions[3].save()
    return versions


def _submit(capsys) -> str:
    call_command("run_prompt_suite", "smoke")
    out = capsys.readouterr().out
    return out.split("--report ")[1].strip()


def test_submits_one_job_per_active_version(suite, capsys):
    # when
    series = _submit(capsys)
    # then
    assert series.startswith("suite:smoke:")
    assert sorted(Job.objects.filter(test_series=series).values_list("prompt_version__name", "model_type")) == [
        ("v0", "SDXL"), ("v1", "WAN"), ("v2", "SDXL")]


def test_report_fails_under_threshold_and_passes_over_it(suite, capsys):
    # given a run whose jobs finished: two completed (rated 4 and 2), one failed
    series = _submit(capsys)
    jobs = list(Job.objects.filter(test_series=series).order_by("created_at", "id"))
    now = timezone.now()
    Job.objects.filter(pk=jobs[0].pk).update(status="completed", completed_at=now, quality_rating=4)
    Job.objects.filter(pk=jobs[1].pk).update(status="completed", completed_at=now, quality_rating=2)
    Job.objects.filter(pk=jobs[2].pk).update(status="failed", failed_at=now, failure_reason="timeout")
    # when the success threshold is 0.9
    with pytest.raises(CommandError) as caught:
        call_command("run_prompt_suite", "--report", series, "--fail-under-success", "0.9")
    # then
    assert caught.value.returncode == 1
    assert str(caught.value) == f"Suite {series} failed: success rate 0.67 is under 0.90."
    out = capsys.readouterr().out
    assert "(success rate 0.67); mean rating 3.00 over 2 rated job(s)." in out
    # and the rating gate
    with pytest.raises(CommandError, match="mean rating 3.00 is under 3.50"):
        call_command("run_prompt_suite", "--report", series, "--fail-under-rating", "3.5")
    # when the thresholds are met, it passes
    call_command("run_prompt_suite", "--report", series, "--fail-under-success", "0.6", "--fail-under-rating", "3")


def test_wait_times_out_with_a_nonzero_exit(suite, capsys):
    # given a run no worker picks up
    series = _submit(capsys)
    # when
    with pytest.raises(CommandError) as caught:
        call_command("run_prompt_suite", "--report", series, "--wait", "--timeout", "0.2", "--poll", "0.1")
    # then
    assert caught.value.returncode == 1
    assert str(caught.value) == f"Timed out after 0.2 s: 3 of 3 job(s) of {series} have not finished."


def test_unfinished_report_and_empty_suite_fail(suite, capsys):
    series = _submit(capsys)
    with pytest.raises(CommandError, match="3 of 3 job\\(s\\) have not finished."):
        call_command("run_prompt_suite", "--report", series)
    with pytest.raises(CommandError, match="Suite 'nothing' is empty"):
        call_command("run_prompt_suite", "nothing")


def _finish(series: str, clip_scores: list) -> None:
    """Complete the run's jobs with these CLIP scores (None: not scored); the last job fails."""
    jobs = list(Job.objects.filter(test_series=series).order_by("created_at", "id"))
    now = timezone.now()
    for job, clip_score in zip(jobs, clip_scores):
        Job.objects.filter(pk=job.pk).update(status="completed", completed_at=now, clip_score=clip_score)
    Job.objects.filter(pk=jobs[-1].pk).update(status="failed", failed_at=now, failure_reason="timeout",
                                              clip_score=None)


def test_min_clip_score_gates_on_the_mean_of_the_completed_jobs(suite, capsys):
    # given two completed jobs scored 22 and 28 (mean 25) and a failed one
    series = _submit(capsys)
    _finish(series, [22.0, 28.0])
    # when the bar is above the mean
    with pytest.raises(CommandError) as caught:
        call_command("run_prompt_suite", "--report", series, "--min-clip-score", "26")
    # then
    assert caught.value.returncode == 1
    assert str(caught.value) == f"Suite {series} failed: mean CLIP score 25.0 is under 26.0."
    out = capsys.readouterr().out
    assert "Mean CLIP score 25.0 over 2 of 2 completed job(s)." in out
    assert "clip" in out.splitlines()[0] and "22.0" in out and "28.0" in out
    # when it is met, the run passes
    call_command("run_prompt_suite", "--report", series, "--min-clip-score", "25")


def test_min_clip_score_refuses_a_run_without_clip_scores(suite, capsys):
    series = _submit(capsys)
    _finish(series, [None, None])

    with pytest.raises(CommandError) as caught:
        call_command("run_prompt_suite", "--report", series, "--min-clip-score", "20")

    assert caught.value.returncode == 1
    assert str(caught.value) == (
        f"Suite {series} failed: no completed job has a CLIP score: the clip backend is not configured (Model "
        "Configuration → Model backends, family clip), so --min-clip-score cannot be checked.")
    assert "Mean CLIP score n/a over 0 of 2 completed job(s)." in capsys.readouterr().out


def test_min_clip_score_is_a_score_from_0_to_100(suite, capsys):
    series = _submit(capsys)

    with pytest.raises(CommandError, match="--min-clip-score is a CLIP score from 0 to 100."):
        call_command("run_prompt_suite", "--report", series, "--min-clip-score", "101")


def test_a_suite_run_is_compared_with_a_baseline_run_and_fails_on_a_regression(suite, capsys):
    from generations.models import ExperimentRun

    first = _submit(capsys)
    second = _submit(capsys)
    runs = {run.test_series: run for run in ExperimentRun.objects.all()}
    for series, stars in ((first, 4), (second, 3)):
        Job.objects.filter(test_series=series).update(status="completed", completed_at=timezone.now(),
                                                      quality_rating=stars, rating_mean=stars, rating_count=1)
    seeds = {series: sorted(Job.objects.filter(test_series=series).values_list("seed", flat=True))
             for series in (first, second)}

    with pytest.raises(CommandError) as caught:
        call_command("run_prompt_suite", "--report", second, "--baseline", str(runs[first].pk))
    out = capsys.readouterr().out
    call_command("run_prompt_suite", "--report", second, "--baseline", str(runs[first].pk), "--max-drop", "1")

    assert seeds[first] == seeds[second] and len(runs) == 2 and first != second
    assert caught.value.returncode == 1 and "Mean stars fell by 1.00 over 3 cells" in str(caught.value)
    assert "Matched 3 of 3 cells." in out
