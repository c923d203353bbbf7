import logging

from django.apps import AppConfig


class _PilFallbackFilter(logging.Filter):
    """Drop transformers' notice that an image processor falls back to its PIL version without torchvision.

    The project installs no torchvision on purpose (a CPU torch pin; the PIL processors are what the tiny and
    the production pipelines use here), so the notice, printed by every worker and model build, is noise
    that reads like a failure.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "requires torchvision (not installed); falling back to" not in message


class GpuConfig(AppConfig):
    name = "gpu"
    verbose_name = "System Health"

    def ready(self):
        # transformers takes this logger by name when first imported, so the filter holds before that.
        logging.getLogger("transformers.utils.import_utils").addFilter(_PilFallbackFilter())
