"""Worker overhead: time inside the SDXL pipeline call against dequeue-to-committed-result.

Runs one warm-up job, then N tiny SDXL jobs through one real worker process
(``manage.py rqworker --burst``), and prints per job and as medians the
pipeline time (``jobs.inference_time_ms``), the total from the moment RQ
handed the job to the worker until its result was committed (recorded on the
RQ job's meta), and their ratio. Target: median ratio <= 1.10.

    .venv/bin/python bench/worker_overhead.py [--jobs 20] [--steps 25] [--size 256]

It uses the configured database and Redis (DATABASE_URL / REDIS_URL, or the
SQLite file and embedded Redis under var/) and the tiny models (built by
``manage.py build_tiny_models`` if none are configured).
"""

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourvidz_admin.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rq.job import Job as RQJob  # noqa: E402

from configs.models import ModelBackend  # noqa: E402
from generations import queueing  # noqa: E402
from generations.models import Job  # noqa: E402
from generations.services import job_submit  # noqa: E402


def _submit(count: int, steps: int, size: int, series: str) -> list[Job]:
    return [
        job_submit(prompt=f"benchmark portrait {i}, soft light", model_type="SDXL", steps=steps, width=size,
                   height=size, seed=1000 + i, test_series=series)
        for i in range(count)
    ]


def _run_worker() -> None:
    subprocess.run([sys.executable, "manage.py", "rqworker", "sdxl", "--burst"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--size", type=int, default=256)
    args = parser.parse_args()
    call_command("build_tiny_models", "--if-missing", stdout=open(os.devnull, "w"))
    backend = ModelBackend.objects.get(family="sdxl")
    limit = backend.max_side
    # The tiny models' size limit would shrink the jobs below the size asked for: lift it for the run.
    ModelBackend.objects.filter(pk=backend.pk).update(max_side=None)
    try:
        warmup = _submit(1, args.steps, args.size, "bench-warmup")
        jobs = warmup + _submit(args.jobs, args.steps, args.size, "bench-overhead")
        _run_worker()
    finally:
        ModelBackend.objects.filter(pk=backend.pk).update(max_side=limit)
    rows = []
    for job in jobs[1:]:
        job.refresh_from_db()
        meta = RQJob.fetch(queueing.rq_job_id(job, queueing.GENERATE), connection=queueing.connection()).meta
        rows.append((str(job.pk)[:8], job.status, job.inference_time_ms, meta.get("dequeue_to_commit_ms")))
    print(f"{args.jobs} SDXL jobs, {jobs[1].num_inference_steps} steps at {jobs[1].width}x{jobs[1].height}, "
          f"one warm worker, database {connection.vendor}")
    print(f"{'job':10} {'status':10} {'pipeline ms':>12} {'total ms':>10} {'ratio':>7}")
    ratios = []
    for job_id, status, pipeline, total in rows:
        ratio = total / pipeline if pipeline and total else float("nan")
        ratios.append(ratio)
        print(f"{job_id:10} {status:10} {pipeline or 0:12.1f} {total or 0:10.1f} {ratio:7.3f}")
    pipelines = [r[2] for r in rows if r[2]]
    totals = [r[3] for r in rows if r[3]]
    print(f"{'median':21} {statistics.median(pipelines):12.1f} {statistics.median(totals):10.1f} "
          f"{statistics.median(ratios):7.3f}  (target <= 1.10)")


if __name__ == "__main__":
    main()
