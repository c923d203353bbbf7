"""Write and/or email the PDF report of a period: ``manage.py send_report --period week --pdf out.pdf``."""

from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from analytics.reports.delivery import report_build, report_email
from analytics.reports.periods import AUDIENCES, DEFAULT_AUDIENCE, PRESETS, audience_check, report_range


class Command(BaseCommand):
    help = (
        "Build the PDF report of a period (headline KPIs against goals, models, strategies, A/B tests, alerts, "
        "trend against the previous period) and write it to --pdf and/or email it to each --email through "
        "Django's mail settings. Periods: day (yesterday), week (the last complete ISO week), month (the last "
        "complete calendar month), or --since/--until (UTC days, both included)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help=f"One of {', '.join(PRESETS)} (default: week).")
        parser.add_argument("--since", help="First UTC day, YYYY-MM-DD (with --until, instead of --period).")
        parser.add_argument("--until", help="Last UTC day, YYYY-MM-DD, included.")
        parser.add_argument("--audience", default=DEFAULT_AUDIENCE,
                            help=f"One of {', '.join(AUDIENCES)} (default: {DEFAULT_AUDIENCE}).")
        parser.add_argument("--pdf", metavar="PATH", help="Write the PDF here.")
        parser.add_argument("--email", metavar="ADDR", nargs="+", action="extend", default=[],
                            help="Email the PDF to these addresses.")

    def handle(self, *args, period=None, since=None, until=None, audience=DEFAULT_AUDIENCE, pdf=None, email=(),
               **options):
        if not pdf and not email:
            raise CommandError("Give --pdf PATH and/or --email ADDR: the report has to go somewhere.")
        try:
            days = report_range(period=period, since=since, until=until)
            audience_check(audience)
            for address in email:
                validate_email(address)
        except ValidationError as exc:
            raise CommandError(self._message(exc)) from None
        report, document = report_build(days=days, audience=audience)
        if pdf:
            try:
                with open(pdf, "wb") as out:
                    out.write(document)
            except OSError as exc:
                raise CommandError(f"--pdf: cannot write {pdf}: {exc.strerror}.") from None
            self.stdout.write(f"Wrote {pdf} ({len(document):,} bytes), {days.since} to {days.until}, {audience}.")
        if email:
            try:
                report_email(report=report, pdf=document, recipients=email)
            except (OSError, BadHeaderError) as exc:
                raise CommandError(f"--email: sending failed: {exc}") from None
            self.stdout.write(f"Emailed the report to {', '.join(email)}.")

    @staticmethod
    def _message(exc: ValidationError) -> str:
        if not hasattr(exc, "error_dict"):  # validate_email
            return f"--email: {' '.join(exc.messages)}"
        return " ".join(f"--{field}: {message}" for field, messages in exc.message_dict.items()
                        for message in messages)
