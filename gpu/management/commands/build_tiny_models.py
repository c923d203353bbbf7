"""Build tiny random-weight Qwen2, SDXL, WAN and CLIP directories offline and point the configuration at them."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from configs.models import LoRA
from configs.services import model_backend_set

# Random weights make noise at any size; small sizes keep a CPU demo quick. Real weights: clear these.
TINY_LIMITS = {"qwen": {}, "sdxl": {"max_side": 128}, "wan": {"max_side": 64, "max_frames": 17}, "clip": {}}
FAMILIES = tuple(TINY_LIMITS)
TINY_LORA = "tiny_style"


class Command(BaseCommand):
    help = (
        "Build tiny random-weight Qwen2, SDXL, WAN and CLIP models (save_pretrained directories, seconds on a "
        "CPU) and configure the workers to load them (the clip family scores every output). Real weights drop "
        "in by changing the directory under Model Configuration → Model backends (clip: an openai/clip-vit-* "
        "directory)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.VAR_DIR / "models"),
                            help="Output folder (default var/models).")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--no-configure", action="store_true", help="Build only; leave the configuration alone.")
        parser.add_argument("--if-missing", action="store_true",
                            help="Do nothing when every family already has an existing model directory configured; "
                                 "otherwise configure only the families that have none (others keep theirs).")

    def handle(self, *args, dir, seed, no_configure, if_missing, **options):
        from configs.selectors import model_backend_get

        configure = set(FAMILIES)
        if if_missing:
            configure = {family for family in FAMILIES
                         if (backend := model_backend_get(family)) is None or not backend.path
                         or not Path(backend.path).is_dir()}
            if not configure:
                self.stdout.write("Models already configured; nothing to build.")
                return
        from gpu.tiny_models import build_tiny_models

        out_dir = Path(dir).resolve()
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            paths = build_tiny_models(out_dir, seed=seed)
        except OSError as exc:
            raise CommandError(f"Cannot write models to {out_dir}: {exc}") from exc
        for family, path in sorted(paths.items()):
            self.stdout.write(f"{family:5} {path}")
            if not no_configure and family in configure:
                model_backend_set(family=family, path=str(path), model_name=f"tiny-{family}", **TINY_LIMITS[family])
        if not no_configure and "sdxl" in configure:  # the tiny LoRA fits the tiny SDXL only
            LoRA.objects.update_or_create(name=TINY_LORA, defaults=dict(
                path=str(paths["sdxl_lora"]), model_family="sdxl", default_weight=1, is_active=True,
                description="Tiny random LoRA for the tiny SDXL (build_tiny_models)."))
            self.stdout.write(f"LoRA  {TINY_LORA} registered (use <lora:{TINY_LORA}:0.8> or --lora {TINY_LORA}:0.8)")
        if not no_configure:
            self.stdout.write(f"Configured: {', '.join(sorted(configure))}")
            self.stdout.write(self.style.SUCCESS("Workers will load these directories."))
