"""Export prompt data to CSV, JSON, XLSX or YAML, written atomically."""

from django.core.management.base import BaseCommand, CommandError

from ourvidz_admin.transfer import FORMATS, TransferError, resource_classes, transfer_export


class Command(BaseCommand):
    help = (
        "Export one table to FILE (format from the extension: " + ", ".join(FORMATS) + "). "
        "The file is written to a temporary name and renamed, so it is complete or absent. "
        "Re-importing it with import_prompts reproduces the rows: ids, tags, lineage."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--model", default="prompt-versions", choices=list(resource_classes()))

    def handle(self, *args, file, model, **options):
        try:
            count = transfer_export(path=file, model=model)
        except TransferError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc}") from None
        except KeyboardInterrupt:
            raise CommandError(f"Interrupted; {file} was not written.") from None
        self.stdout.write(f"Exported {count} {model} row(s) to {file}.")
