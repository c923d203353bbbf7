"""A/B tests of enhancement and the portal's feature progress (document 000)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from analytics.models import AdminDevelopmentProgress, PromptABTest
from generations.demo.keys import demo_uuid, insert_missing

_BASE = {"strategy": "none", "model": "SDXL", "steps": 25, "guidance_scale": 7.5}
# (name, series, baseline, enhanced, participants, baseline q, enhanced q, confidence, days ago, complete)
AB_TESTS = (
    ("Qwen rewrite vs plain (SDXL portraits)", "portrait-baseline", _BASE,
     {**_BASE, "strategy": "qwen", "expansion_target": 2500}, 240, "3.41", "3.96", "0.97", 21, True),
    ("Hybrid vs Compel only", "compel-weights-grid", {**_BASE, "strategy": "compel", "compel": "Guide defaults"},
     {**_BASE, "strategy": "hybrid", "compel": "Guide defaults"}, 180, "3.72", "4.08", "0.93", 14, True),
    ("WAN motion prompts: Qwen vs plain", "wan-motion-ab", {**_BASE, "model": "WAN", "frame_count": 64},
     {**_BASE, "model": "WAN", "frame_count": 64, "strategy": "qwen"}, 96, "3.35", "3.71", "0.84", 9, False),
    ("Expansion target 1500 vs 2500", "qwen-length-test", {**_BASE, "strategy": "qwen", "expansion_target": 1500},
     {**_BASE, "strategy": "qwen", "expansion_target": 2500}, 60, "3.88", "3.95", "0.41", 4, False),
)
# (feature, category, status, priority, owner, estimate, actual, started days ago, finished days ago, notes)
FEATURES = (
    ("Prompt Testing", "testing", "completed", "P0", "maya.prompt", 24, 28, 60, 45, "Batch of 5, CSV export."),
    ("Enhanced Prompt Analytics", "analytics", "completed", "P0", "li.ml", 40, 46, 50, 30, "Qwen/Compel views."),
    ("Model Analytics", "analytics", "completed", "P0", "li.ml", 24, 20, 44, 32, "Daily rollups per model."),
    ("Live Monitoring", "monitoring", "in_progress", "P1", "jonas.ops", 32, 18, 20, None, "Hourly metrics live."),
    ("Job Management", "jobs", "completed", "P1", "sam.render", 30, 34, 40, 25, "Filters, retry, cancel, export."),
    ("Model Configuration", "configuration", "in_progress", "P1", "li.ml", 28, 16, 15, None, "Presets done."),
    ("A/B Testing Framework", "analytics", "in_progress", "P1", "priya.eval", 36, 12, 10, None, ""),
    ("System Health", "monitoring", "not_started", "P2", "jonas.ops", 20, None, None, None, ""),
    ("User Management", "admin", "blocked", "P2", "maya.prompt", 16, 4, 12, None, ""),
    ("Prompt Cache Refresh", "prompts", "not_started", "P2", "tomas.video", 12, None, None, None, ""),
)


def seed_experiments() -> dict[str, int]:
    """Insert the missing A/B tests and development-progress rows."""
    now = timezone.now()
    tests = [
        PromptABTest(
            id=demo_uuid("ab-test", name), test_name=name, test_series=series, baseline_config=base,
            enhanced_config=enhanced, total_participants=people, baseline_avg_quality=Decimal(before),
            enhanced_avg_quality=Decimal(after), quality_improvement=Decimal(after) - Decimal(before),
            confidence_level=Decimal(confidence), is_complete=complete, created_at=now - timedelta(days=days),
            completed_at=now - timedelta(days=days - 6) if complete else None,
        )
        for name, series, base, enhanced, people, before, after, confidence, days, complete in AB_TESTS
    ]
    today = now.date()
    features = [
        AdminDevelopmentProgress(
            id=demo_uuid("feature", name), feature_name=name, feature_category=category, status=status,
            priority=priority, assigned_to=owner, estimated_hours=estimate, actual_hours=actual,
            start_date=today - timedelta(days=started) if started else None,
            completion_date=today - timedelta(days=finished) if finished else None, notes=notes,
            blockers="Waiting for SSO groups from IT." if status == "blocked" else "",
            created_at=now - timedelta(days=65),
        )
        for name, category, status, priority, owner, estimate, actual, started, finished, notes in FEATURES
    ]
    return {"ab_tests": insert_missing(PromptABTest, tests, ("test_name",)),
            "features": insert_missing(AdminDevelopmentProgress, features, ("feature_name",))}
