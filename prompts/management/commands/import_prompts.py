"""Import prompt data from CSV, JSON, XLSX or YAML: all rows or none."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ourvidz_admin.transfer import FORMATS, TransferError, dataset_read, resource_classes, transfer_import


class Command(BaseCommand):
    help = (
        "Import FILE into one table (format from the extension: " + ", ".join(FORMATS) + "). "
        "All or nothing: one bad row and nothing is written; every bad row is listed with its line "
        "(CSV/XLSX, header = line 1) or record number (JSON/YAML) and the reason. Rows are keyed by id: "
        "an existing id is updated, a new or empty one created."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--model", default="prompt-versions", choices=list(resource_classes()))
        parser.add_argument("--dry-run", action="store_true", help="Validate and count, then roll back.")

    def handle(self, *args, file, model, dry_run, **options):
        try:
            dataset = dataset_read(file)  # read once: its length sizes the bar, then it is imported
            total = len(dataset)
            with tqdm(total=total, unit="row", disable=total < 1000 or options["verbosity"] < 1,
                      file=self.stderr._out) as bar:
                report = transfer_import(path=file, model=model, dry_run=dry_run, dataset=dataset,
                                         progress=lambda: bar.update())
        except TransferError as exc:
            raise CommandError(f"Nothing was imported from {file}:\n" + "\n".join(exc.messages)) from None
        except KeyboardInterrupt:
            raise CommandError(f"Interrupted; nothing was imported from {file}.") from None
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(f"{verb} {report.total} {model} row(s) from {file}: {report.new} new, "
                          f"{report.updated} updated.")
