"""A ``Report`` as PDF bytes, with ReportLab: A4 portrait, dense tables, "Page n of m" on every page.

Every figure is written by ``ourvidz_admin.formatting`` (counts with separators, percentages and
ratings with fixed decimals, durations in ms/s, a dash for unknown), as on the portal's pages.
"""

import io
from html import escape
from pathlib import Path

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from analytics.reports.data import Headline, Report
from analytics.reports.periods import AUDIENCES
from ourvidz_admin import formatting as f

# DejaVu Sans where the system has it (stars, arrows, check marks in goal names); else Bitstream Vera,
# which ships with ReportLab (dashes, the true minus sign, ≥ and ≤).
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_VERA = Path(reportlab.__file__).parent / "fonts"
FONT, BOLD = "ReportSans", "ReportSans-Bold"
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
GREY, LINE, HEAD = colors.HexColor("#555555"), colors.HexColor("#BBBBBB"), colors.HexColor("#EEF2F5")


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    regular, bold = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        regular, bold = _VERA / "Vera.ttf", _VERA / "VeraBd.ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=16, leading=20, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, textColor=GREY, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=10,
                             spaceAfter=4),
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=7.5, leading=9.5, textColor=GREY),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "num": ParagraphStyle("num", parent=base, fontSize=8, leading=10, alignment=TA_RIGHT),
    }


class _NumberedCanvas(Canvas):
    """Writes "Page n of m" and the report's name at the foot of every page once the page count is known."""

    footer = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 7.5)
            self.setFillColor(GREY)
            self.drawString(MARGIN, 9 * mm, self.footer)
            self.drawRightString(A4[0] - MARGIN, 9 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def _min_width(text: str, font: str, whole: bool) -> float:
    """Points a cell needs: a figure or a short heading whole, other text its longest word."""
    parts = [text] if whole else text.split()
    return max((pdfmetrics.stringWidth(part, font, 8) for part in parts), default=0) + 7


def _widths(header: list[str], rows: list[list], weights: list[float], align: str) -> list[float]:
    """Column widths: each at least what ``_min_width`` asks of its cells, the rest shared by ``weights``."""
    least = [max([_min_width(name, BOLD, len(name) <= 10)]
                 + [_min_width(str(row[i]), FONT, align[i] == "r") for row in rows])
             for i, name in enumerate(header)]
    spare = max(0.0, WIDTH - sum(least))
    return [need + spare * weight / sum(weights) for need, weight in zip(least, weights)]


def _table(header: list[str], rows: list[list], weights: list[float], align: str = "") -> Table:
    """A dense table with a shaded header row repeated on each page; ``align`` has one letter per column,
    ``l`` (text, wraps) or ``r`` (a figure: right-aligned, never wrapped); default: the first text, the rest figures."""
    align = align or "l" + "r" * (len(header) - 1)
    styles = _styles()
    style = {"l": styles["cell"], "r": styles["num"]}
    body = [[Paragraph(escape(str(cell)), style[align[i]]) for i, cell in enumerate(row)] for row in rows]
    head = [Paragraph(f"<b>{escape(name)}</b>", style[align[i]]) for i, name in enumerate(header)]
    table = Table([head, *body], colWidths=_widths(header, rows, weights, align), repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HEAD), ("LINEBELOW", (0, 0), (-1, 0), 0.6, LINE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _write(kind: str, value) -> str:
    return {"count": f.count, "percent": f.percent, "rating": f.rating, "ms": f.ms}[kind](value)


def _change(item: Headline) -> str:
    change = item.change
    if change is None:
        return f.DASH
    if item.kind == "percent":
        return f"{f.signed(change, 1)} pts"
    if item.kind == "count":
        relative = f" ({f.signed_percent(change * 100 / item.previous)})" if item.previous else ""
        return f"{f.signed(change, 0)}{relative}"
    if item.kind == "ms":
        return f.DASH if change == 0 else ("+" if change > 0 else "−") + f.ms(abs(change))
    return f.signed(change, 2)


def _section(title: str, *flowables: Flowable) -> list[Flowable]:
    return [KeepTogether([Paragraph(title, _styles()["h2"]), *flowables[:1]]), *flowables[1:]]


def _goals(report: Report) -> list[Flowable]:
    if not report.goals:
        return _section("Goals", Paragraph("No goals are defined.", _styles()["note"]))
    rows = [[goal.name, goal.target, goal.display, {True: "met", False: "missed"}.get(goal.met, f.DASH),
             f"{f.count(goal.sample)} {goal.sample_label}".strip(), goal.period] for goal in report.goals]
    return _section("Goals against targets", _table(["Goal", "Target", "Value", "Met", "Sample", "Period"], rows,
                                                    [30, 8, 8, 6, 22, 16], "lrrlll"))


def _headline(report: Report) -> list[Flowable]:
    rows = [[item.name, _write(item.kind, item.value), _write(item.kind, item.previous), _change(item)]
            for item in report.headline]
    return _section("Headline figures and trend",
                    _table(["Figure", "This period", "Previous period", "Change"], rows, [34, 18, 18, 20]))


def _models(report: Report) -> list[Flowable]:
    rows = [[m["model_type"], f.count(m["jobs"]), f.count(m["completed"]), f.count(m["failed"]),
             f.count(m["cancelled"]), f.percent(m["success_rate"]), f.percent(m["previous_success_rate"]),
             f"{f.signed(m['success_change'], 1)} pts" if m["success_change"] is not None else f.DASH,
             f.ms(m["mean_time_ms"]), f.count(m["rated"]), f.rating(m["mean_quality"])] for m in report.models]
    header = ["Model", "Jobs", "Completed", "Failed", "Cancelled", "Success", "Previous", "Change", "Mean time",
              "Rated", "Mean rating"]
    return _section("Models", _table(header, rows, [10, 9, 10, 8, 9, 9, 9, 10, 10, 8, 10]))


def _strategies(report: Report) -> list[Flowable]:
    rows = [[s["label"], f.count(s["jobs"]), f.percent(s["finished_success_rate"]), f.count(s["rated"]),
             f.rating(s["mean_quality"]), f.signed(s["mean_improvement"]), f.ms(s["mean_enhancement_time_ms"]),
             f.percent(s["high_quality_rate"])] for s in report.strategies]
    header = ["Strategy", "Jobs", "Success", "Rated", "Mean rating", "Mean gain", "Enhancement time",
              "4-5 stars of jobs"]
    return _section("Enhancement strategies", _table(header, rows, [18, 9, 10, 9, 11, 11, 14, 14]))


def _interval(low, high) -> str:
    return f.DASH if low is None or high is None else f"{f.signed(low)} to {f.signed(high)}"


def _p(value) -> str:
    return f.DASH if value is None else "< 0.0001" if value < 0.0001 else f.number(value, 4)


def _pairs(test: dict) -> str:
    return f"{f.count(test['rated_pairs'])} / {f.count(test['planned_pairs'])}"


def _ab_tests(report: Report) -> list[Flowable]:
    if not report.ab_tests:
        return _section("A/B tests", Paragraph("No A/B test ran during the period.", _styles()["note"]))
    if report.detailed:
        header = ["Test", "Model", "Status", "Pairs", "Baseline", "Enhanced", "b − a", "95% interval", "p",
                  "Guardrail", "Verdict"]
        rows = [[t["name"], t["model_type"], t["status"], _pairs(t),
                 f.rating(t["baseline_mean"]), f.rating(t["enhanced_mean"]), f.signed(t["difference"]),
                 _interval(t["low"], t["high"]), _p(t["p_value"]), "crossed" if t["guardrail_breached"] else "ok",
                 t["verdict"]] for t in report.ab_tests]
        widths, align = [30, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8], "lllrrrrrrll"
    else:
        header = ["Test", "Model", "Status", "Pairs", "Baseline", "Enhanced", "b − a", "Verdict"]
        rows = [[t["name"], t["model_type"], t["status"], _pairs(t),
                 f.rating(t["baseline_mean"]), f.rating(t["enhanced_mean"]), f.signed(t["difference"]), t["verdict"]]
                for t in report.ab_tests]
        widths, align = [30, 1, 1, 1, 1, 1, 1, 8], "lllrrrrl"
    note = Paragraph("Means in stars (1-5); b − a = paired difference (enhanced − baseline) over fully rated pairs; "
                     "verdict from its 95% interval: better or worse when the interval excludes 0.",
                     _styles()["note"])
    return _section("A/B tests", _table(header, rows, widths, align), note)


def _alerts(report: Report) -> list[Flowable]:
    c = report.alert_counts
    summary = Paragraph(
        f"{f.count(c['total'])} alerts first seen in the period: {f.count(c['high'])} high, {f.count(c['medium'])} "
        f"medium, {f.count(c['low'])} low; {f.count(c['active'])} of them still open or acknowledged.",
        _styles()["body"])
    if not report.detailed or not report.alerts:
        return _section("Alerts", summary)
    rows = [[a["severity"], a["rule"], a["subject"], f.number(a["value"]), f.number(a["threshold"]), a["status"],
             a["first_seen_at"].strftime("%Y-%m-%d %H:%M")] for a in report.alerts]
    table = _table(["Severity", "Rule", "Subject", "Value", "Threshold", "Status", "First seen (UTC)"], rows,
                   [1, 10, 10, 1, 1, 1, 1], "lllrrlr")
    return _section("Alerts", summary, Spacer(0, 4), table)


def _title(report: Report) -> list[Flowable]:
    styles, days = _styles(), report.days
    audience = AUDIENCES[report.audience]
    return [
        Paragraph(f"OurVidz report: {days.since} to {days.until}", styles["title"]),
        Paragraph(f"Audience: {audience} · {f.count(days.days)} UTC days · compared with {report.previous.since} "
                  f"to {report.previous.until} · generated {report.generated_at:%Y-%m-%d %H:%M} UTC",
                  styles["subtitle"]),
    ]


def report_pdf(report: Report) -> bytes:
    """The report as PDF bytes: title, goals, headline and trend, models, (engineering: strategies),
    A/B tests, alerts, definitions."""
    _register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                 bottomMargin=MARGIN + 4 * mm, title=f"OurVidz report {report.days.since} to "
                                 f"{report.days.until}", author="OurVidz Admin", subject=AUDIENCES[report.audience])
    story = [*_title(report), *_goals(report), *_headline(report), *_models(report)]
    if report.detailed:
        story += _strategies(report)
    story += [*_ab_tests(report), *_alerts(report), Spacer(0, 8), Paragraph(
        "Days are UTC. Success = completed / (completed + failed) from model_performance_logs; jobs, ratings and "
        "times from job_stats_daily; trends compare with the period of the same length just before. "
        "See docs/metrics.md, \"Reports\".", _styles()["note"])]
    canvas = type("ReportCanvas", (_NumberedCanvas,), {
        "footer": f"OurVidz report {report.days.since} to {report.days.until} · {AUDIENCES[report.audience]}"})
    document.build(story, canvasmaker=canvas)
    return buffer.getvalue()
