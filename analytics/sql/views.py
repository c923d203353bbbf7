"""SQL of the guide's two views, per database vendor; the semantics follow document 000 exactly.

Averages and rates are cast to DOUBLE PRECISION so both databases return floats.
The views are dropped before and recreated after every ``migrate`` (analytics/apps.py), so they
always match this SQL and never block a migration of ``jobs``.
"""

_DISPLAY_NAME = """
    CASE
        WHEN j.enhancement_strategy = 'qwen' THEN 'Qwen Only'
        WHEN j.enhancement_strategy = 'compel' THEN 'Compel Only'
        WHEN j.enhancement_strategy = 'hybrid' THEN 'Hybrid (Both)'
        ELSE 'No Enhancement'
    END"""

_ANALYSIS = """
CREATE VIEW job_enhancement_analysis AS
SELECT j.id, j.user_id, j.job_type, j.model_type, j.status, j.enhancement_strategy,
       j.original_prompt, j.enhanced_prompt, j.enhancement_time_ms, j.quality_rating,
       j.quality_improvement, j.created_at, j.completed_at,
       CAST({seconds} AS DOUBLE PRECISION) AS generation_time_seconds,
       {display} AS enhancement_display_name
FROM jobs j
WHERE j.created_at >= {since_30d}
"""

_EFFECTIVENESS = """
CREATE VIEW enhancement_effectiveness AS
SELECT enhancement_strategy,
       COUNT(*) AS total_jobs,
       CAST(AVG(quality_rating) AS DOUBLE PRECISION) AS avg_quality,
       CAST(AVG(quality_improvement) AS DOUBLE PRECISION) AS avg_improvement,
       CAST(AVG(enhancement_time_ms) AS DOUBLE PRECISION) AS avg_enhancement_time,
       CAST(COUNT(CASE WHEN status = 'completed' THEN 1 END) * 100.0 / COUNT(*) AS DOUBLE PRECISION) AS success_rate,
       CAST(COUNT(CASE WHEN quality_rating >= 4.0 THEN 1 END) * 100.0 / COUNT(*) AS DOUBLE PRECISION) AS high_quality_rate
FROM jobs
WHERE created_at >= {since_7d}
GROUP BY enhancement_strategy
"""

_DIALECT = {
    "postgresql": {
        "seconds": "EXTRACT(EPOCH FROM (j.completed_at - j.created_at))",
        "since_30d": "NOW() - INTERVAL '30 days'",
        "since_7d": "NOW() - INTERVAL '7 days'",
    },
    # Django stores SQLite datetimes as ISO text in UTC, so text comparison orders them.
    "sqlite": {
        "seconds": "(julianday(j.completed_at) - julianday(j.created_at)) * 86400.0",
        "since_30d": "strftime('%Y-%m-%d %H:%M:%f', 'now', '-30 days')",
        "since_7d": "strftime('%Y-%m-%d %H:%M:%f', 'now', '-7 days')",
    },
}


def create_statements(vendor: str) -> list[str]:
    """The CREATE VIEW statements for ``vendor`` ('postgresql' or 'sqlite')."""
    dialect = _DIALECT[vendor]
    return [
        _ANALYSIS.format(display=_DISPLAY_NAME, **dialect),
        _EFFECTIVENESS.format(**dialect),
    ]


DROP_STATEMENTS = [
    "DROP VIEW IF EXISTS job_enhancement_analysis",
    "DROP VIEW IF EXISTS enhancement_effectiveness",
]
