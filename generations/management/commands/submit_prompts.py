"""Create generation jobs from the command line and print their ids, one per line."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from generations.services import job_submit
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from ourvidz_admin.queues import QueueUnavailable


class Command(BaseCommand):
    help = "Submit prompts as jobs for the workers; prints one job id per line."

    def add_arguments(self, parser):
        parser.add_argument("prompts", nargs="*", metavar="PROMPT")
        parser.add_argument("--model", required=True, choices=ModelType.values, help="SDXL or WAN")
        parser.add_argument("--strategy", default="none", choices=EnhancementStrategy.values)
        parser.add_argument("--seed", type=int)
        parser.add_argument("--file", type=Path, help="A text file with one prompt per line (blank lines skipped).")
        parser.add_argument("--steps", type=int)
        parser.add_argument("--guidance", type=float)
        parser.add_argument("--width", type=int)
        parser.add_argument("--height", type=int)
        parser.add_argument("--frames", type=int, help="WAN frame count (rounded to 4k+1).")
        parser.add_argument("--negative", default="")
        parser.add_argument("--series", default="", help="Test series label.")
        parser.add_argument("--nsfw", action="store_true", help="Apply NSFW rules instead of SFW ones.")
        parser.add_argument("--user", help="Username to submit as.")

    def _prompts(self, prompts: list[str], file: Path | None) -> list[str]:
        collected = list(prompts)
        if file is not None:
            try:
                collected += [line.strip() for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {file}: {exc}") from exc
        if not collected:
            raise CommandError("Give at least one PROMPT or --file.")
        return collected

    def handle(self, *args, prompts, model, strategy, seed, file, user, **options):
        owner = None
        if user:
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"No user named {user!r}.")
        texts = self._prompts(prompts, file)
        jobs = []
        try:
            # All or nothing: one bad prompt and no job is created.
            with transaction.atomic():
                for text in texts:
                    jobs.append(job_submit(
                        prompt=text, model_type=model, strategy=strategy, seed=seed, user=owner,
                        steps=options["steps"], guidance=options["guidance"], width=options["width"],
                        height=options["height"], frame_count=options["frames"],
                        negative_prompt=options["negative"], test_series=options["series"],
                        content_mode="nsfw" if options["nsfw"] else "sfw",
                    ))
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                               if hasattr(exc, "error_dict") else " ".join(exc.messages)) from exc
        except QueueUnavailable as exc:
            # Raised after the commit: the jobs are saved and the dispatcher enqueues them once Redis is back.
            for job in jobs:
                self.stdout.write(str(job.pk))
            raise CommandError(f"{exc} ({len(jobs)} job(s) saved)") from None
        for job in jobs:
            self.stdout.write(str(job.pk))
