"""Selectors behind the analytics dashboards (document 000 §1.5, §2, §2.5 and its two SQL views).

One module per page. Every read is a handful of grouped queries over the
rollup tables, or over an index range of ``jobs`` that is small by
construction (the last 24 hours, the newest N rows); none scans ``jobs``.
Selectors return plain numbers (``Decimal`` means and percentages rounded
half-up as in ``analytics.rollups.buckets``); the admin templates and the API format
them. The definitions are in docs/metrics.md, "Dashboards".
"""
