"""The PDF report: headline KPIs against goals, model and strategy tables, A/B results, alerts and trends.

``periods`` turns a preset (day, week, month) or two dates into a period; ``data.report_data`` reads the
rollups and selectors into a ``Report``; ``pdf.report_pdf`` renders it with ReportLab; ``delivery``
writes or emails it (``manage.py send_report``, the weekly schedule, the admin's Download PDF).
"""
