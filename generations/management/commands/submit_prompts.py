"""Create generation jobs from the command line and print their ids, one per line."""

import uuid
from io import BytesIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from generations.loras import parse_lora_option
from generations.policy import AUTO
from generations.services import job_submit
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from ourvidz_admin.queues import QueueUnavailable
from prompts.placeholders import variables_parse

# Service field names -> this command's options, so a message names what the user typed.
OPTION_NAMES = {"inputs": "--image", "input_output": "--from-job", "strength": "--strength",
                "clip_skip": "--clip-skip", "model_type": "--model", "steps": "--steps", "guidance": "--guidance",
                "frame_count": "--frames", "width": "--width", "height": "--height", "variables": "--var",
                "prompt_version": "--prompt-version", "loras": "--lora"}


class Command(BaseCommand):
    help = "Submit prompts as jobs for the workers; prints one job id per line."

    def add_arguments(self, parser):
        parser.add_argument("prompts", nargs="*", metavar="PROMPT")
        parser.add_argument("--model", required=True, choices=ModelType.values, help="SDXL or WAN")
        parser.add_argument("--strategy", default="none", choices=[*EnhancementStrategy.values, AUTO],
                            help="auto: the strategy the active configuration's switches allow.")
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
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--image", type=Path, metavar="PATH",
                            help="Input image (PNG, JPEG, WebP): SDXL runs image-to-image, WAN image-to-video.")
        source.add_argument("--from-job", metavar="JOB_ID", help="Use the first output image of this job as input.")
        parser.add_argument("--strength", type=float, help="SDXL image-to-image denoising strength, 0.01-1.")
        parser.add_argument("--clip-skip", type=int, help="CLIP layers to skip (SDXL; none and qwen strategies).")
        parser.add_argument("--prompt-version", metavar="VERSION_ID", help="Submit this prompt version (PROMPT fills "
                            "its {prompt}/{subject}).")
        parser.add_argument("--tier", choices=["free", "starter", "pro", "premium", "admin"],
                            help="Apply this tier's model parameters (default: the --user's tier).")
        parser.add_argument("--lora", action="append", default=[], metavar="NAME[:WEIGHT]",
                            help="Load a registered LoRA (SDXL) at WEIGHT (default: its own); repeatable.")
        parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                            help="A value for a {NAME} placeholder of the prompt version or template (repeatable).")

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

    def _image(self, path: Path | None):
        if path is None:
            return None
        try:
            return File(BytesIO(path.read_bytes()), name=path.name)
        except OSError as exc:
            raise CommandError(f"Cannot read --image {path}: {exc.strerror or exc}.") from None

    def _version(self, version_id: str | None):
        from prompts.models import PromptVersion

        if version_id is None:
            return None
        try:
            version = PromptVersion.objects.filter(pk=uuid.UUID(version_id)).first()
        except ValueError:
            raise CommandError(f"--prompt-version {version_id!r} is not a prompt version id.") from None
        if version is None:
            raise CommandError(f"--prompt-version {version_id}: no such prompt version.")
        return version

    def _job_output(self, job_id: str | None):
        from generations.models import GenerationImageOutput

        if job_id is None:
            return None
        try:
            uuid.UUID(job_id)
        except ValueError:
            raise CommandError(f"--from-job {job_id!r} is not a job id.") from None
        output = GenerationImageOutput.objects.filter(job_id=job_id, mime_type__startswith="image/") \
            .order_by("order_index").first()
        if output is None:
            raise CommandError(f"--from-job {job_id}: that job has no output image.")
        return output

    def handle(self, *args, prompts, model, strategy, seed, file, user, **options):
        owner = None
        if user:
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"No user named {user!r}.")
        version = self._version(options["prompt_version"])
        texts = self._prompts(prompts, file) if version is None or prompts or file else [""]
        try:
            variables = variables_parse(options["var"])
            loras = [parse_lora_option(value) for value in options["lora"]]
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        image, input_output = self._image(options["image"]), self._job_output(options["from_job"])
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
                        input_files=[image] if image is not None else [], input_output=input_output,
                        strength=options["strength"], clip_skip=options["clip_skip"], prompt_version=version,
                        variables=variables, tier=options["tier"], loras=loras,
                    ))
        except ValidationError as exc:
            raise CommandError("; ".join(f"{OPTION_NAMES.get(k, k)}: {' '.join(v)}"
                                         for k, v in exc.message_dict.items())
                               if hasattr(exc, "error_dict") else " ".join(exc.messages)) from exc
        except QueueUnavailable as exc:
            # Raised after the commit: the jobs are saved and the dispatcher enqueues them once Redis is back.
            for job in jobs:
                self.stdout.write(str(job.pk))
            raise CommandError(f"{exc} ({len(jobs)} job(s) saved)") from None
        for job in jobs:
            self.stdout.write(str(job.pk))
