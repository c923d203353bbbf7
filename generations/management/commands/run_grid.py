"""Submit an experiment run (inputs × up to three axes of variants) and print its id."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from generations.management.comparison import run_from_argument
from generations.runs import AXES, axis_parse, run_create, run_plan
from ourvidz_admin import formatting
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from ourvidz_admin.queues import QueueUnavailable
from prompts.placeholders import variables_parse

OPTION_NAMES = {"model_type": "--model", "prompts": "--prompt", "tag": "--tag", "axes": "--axis",
                "strategy": "--strategy", "lora": "--lora", "cells": "cells"}


def _message(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for key, messages in exc.message_dict.items():
        name = f"--axis {key.split('.', 1)[1]}" if key.startswith("axes.") else OPTION_NAMES.get(key, key)
        parts.append(f"{name}: {' '.join(messages)}")
    return "\n".join(parts)


class Command(BaseCommand):
    help = ("Run a grid: every --prompt (and every active version tagged --tag) once per combination of the "
            "--axis values; prints the run id. Axes: " + ", ".join(AXES) + ".")

    def add_arguments(self, parser):
        parser.add_argument("--model", required=True, type=str.upper, choices=ModelType.values, help="SDXL or WAN")
        parser.add_argument("--prompt", action="append", default=[], metavar="TEXT", help="An input (repeatable).")
        parser.add_argument("--tag", default="", help="Also take the active prompt versions with this tag (a suite).")
        parser.add_argument("--axis", action="append", default=[], metavar="NAME=V1,V2",
                            help="An axis of variants (up to 3: columns, rows, grids).")
        parser.add_argument("--strategy", default=EnhancementStrategy.NONE, choices=EnhancementStrategy.values,
                            help="The strategy of every cell unless a strategy axis sets it.")
        parser.add_argument("--lora", default="", help="The registered LoRA a lora_weight axis weighs.")
        parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                            help="A value for a {NAME} placeholder (repeatable).")
        parser.add_argument("--tier", default="", help="Apply this tier's model parameters.")
        parser.add_argument("--name", default="", help="The run's name (default: model and time).")
        parser.add_argument("--baseline", default=None, metavar="RUN_ID", help="Pin this run as the baseline.")
        parser.add_argument("--user", help="Username to submit as.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check every cell and print the job count and GPU estimate; submit nothing.")

    def handle(self, *args, **options):
        owner = None
        if options["user"]:
            owner = get_user_model().objects.filter(username=options["user"]).first()
            if owner is None:
                raise CommandError(f"--user: no user named {options['user']!r}.")
        baseline = run_from_argument(options["baseline"], "--baseline") if options["baseline"] else None
        try:
            variables = variables_parse(options["var"])
            values = {"model_type": options["model"], "prompts": options["prompt"], "tag": options["tag"],
                      "axes": [axis_parse(text) for text in options["axis"]], "strategy": options["strategy"],
                      "lora": options["lora"], "variables": variables, "tier": options["tier"]}
            plan = run_plan(**values)
            self.stderr.write(f"{plan.job_count:,} jobs ({len(plan.inputs)} inputs × "
                              f"{plan.job_count // max(1, len(plan.inputs))} combinations); estimated GPU time "
                              f"{formatting.seconds(plan.estimated_gpu_seconds)} ({plan.estimate_source}).")
            if options["dry_run"]:
                return
            run = run_create(name=options["name"], user=owner, baseline=baseline, **values)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        except QueueUnavailable as exc:
            raise CommandError(f"{exc} (the run and its jobs are saved)") from None
        self.stdout.write(str(run.pk))

