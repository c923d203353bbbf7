"""Prompt usage, the prompt tracker and live job tracking, taken over from analytics without moving data.

The tables (``prompt_usage``, ``enhanced_prompt_tracker``, ``live_job_tracking``)
keep their names, rows, indexes and constraints; only Django's state moves. Their
content types move too, so the permissions granted on them (roles, users) stay.
"""

import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
import ourvidz_admin.db
from django.conf import settings
from django.db import migrations, models


MOVED = ("livejobtracking", "promptusage", "trackedprompt")


def move_content_types(apps, schema_editor, source="analytics", target="generations"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    # A content type Django may already have made for the new label would clash with the moved one.
    content_type.objects.using(db).filter(app_label=target, model__in=MOVED).delete()
    content_type.objects.using(db).filter(app_label=source, model__in=MOVED).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="generations", target="analytics")


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0007_move_job_telemetry_to_generations'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('generations', '0010_job_covering_indexes'),
        ('prompts', '0003_tag_name_without_commas'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='LiveJobTracking',
            fields=[
                ('id', models.UUIDField(default=ourvidz_admin.db.uuid7, editable=False, primary_key=True, serialize=False)),
                ('job_type', models.CharField(max_length=50)),
                ('model_type', models.CharField(choices=[('SDXL', 'SDXL'), ('WAN', 'WAN')], max_length=20)),
                ('enhancement_strategy', models.CharField(blank=True, choices=[('none', 'No Enhancement'), ('qwen', 'Qwen Only'), ('compel', 'Compel Only'), ('hybrid', 'Hybrid (Both)')], max_length=50)),
                ('original_prompt', models.TextField(blank=True)),
                ('enhanced_prompt', models.TextField(blank=True)),
                ('enhancement_time_ms', models.PositiveIntegerField(blank=True, null=True)),
                ('baseline_quality', models.DecimalField(blank=True, decimal_places=2, max_digits=3, null=True)),
                ('final_quality', models.DecimalField(blank=True, decimal_places=2, max_digits=3, null=True)),
                ('quality_improvement', models.DecimalField(blank=True, decimal_places=2, max_digits=3, null=True)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('processing', 'Processing'), ('completed', 'Completed'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], max_length=20)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('job', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='live_tracking', to='generations.job')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'live_job_tracking',
                'ordering': ('-created_at',),
                'indexes': [models.Index(models.F('status'), models.OrderBy(models.F('created_at'), descending=True), name='live_job_tracking_status_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'processing', 'completed', 'failed', 'cancelled'])), name='live_job_tracking_status_valid', violation_error_message='status must be one of: queued, processing, completed, failed, cancelled.'), models.CheckConstraint(condition=models.Q(('model_type__in', ['SDXL', 'WAN'])), name='live_job_tracking_model_type_valid', violation_error_message='model_type must be one of: SDXL, WAN.'), models.CheckConstraint(condition=models.Q(models.Q(('baseline_quality__gte', 1), ('baseline_quality__lte', 5)), ('baseline_quality__isnull', True), _connector='OR'), name='live_job_tracking_baseline_quality_range', violation_error_message='baseline_quality must be between 1 and 5.'), models.CheckConstraint(condition=models.Q(models.Q(('final_quality__gte', 1), ('final_quality__lte', 5)), ('final_quality__isnull', True), _connector='OR'), name='live_job_tracking_final_quality_range', violation_error_message='final_quality must be between 1 and 5.')],
            },
        ),
        migrations.CreateModel(
            name='PromptUsage',
            fields=[
                ('id', models.UUIDField(default=ourvidz_admin.db.uuid7, editable=False, primary_key=True, serialize=False)),
                ('user_prompt', models.TextField()),
                ('enhanced_prompt', models.TextField(blank=True)),
                ('response_time_ms', models.PositiveIntegerField(blank=True, null=True)),
                ('success', models.BooleanField(default=True)),
                ('rating', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('error_message', models.TextField(blank=True)),
                ('input_tokens', models.PositiveIntegerField(default=0)),
                ('output_tokens', models.PositiveIntegerField(default=0)),
                ('tokens_used', models.PositiveIntegerField(default=0)),
                ('cost', models.DecimalField(decimal_places=6, default=0, max_digits=12)),
                ('stage', models.CharField(blank=True, help_text='The worker stage that made this call (enhance or generate); empty for others.', max_length=20)),
                ('session_id', models.CharField(blank=True, max_length=100)),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                ('user_agent', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('agent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='usages', to='prompts.agent')),
                ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='prompt_usages', to='generations.job')),
                ('prompt', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='usages', to='prompts.prompt')),
                ('template', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='usages', to='prompts.prompttemplate')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'prompt usage',
                'db_table': 'prompt_usage',
                'ordering': ('-created_at',),
                'indexes': [models.Index(models.F('prompt'), models.OrderBy(models.F('created_at'), descending=True), name='prompt_usage_prompt_idx'), models.Index(models.OrderBy(models.F('created_at'), descending=True), models.F('id'), name='prompt_usage_created_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('rating__gte', 1), ('rating__lte', 5)), ('rating__isnull', True), _connector='OR'), name='prompt_usage_rating_1_5', violation_error_message='rating must be between 1 and 5.'), models.CheckConstraint(condition=models.Q(('tokens_used__gte', django.db.models.expressions.CombinedExpression(models.F('input_tokens'), '+', models.F('output_tokens'))), ('tokens_used', 0), _connector='OR'), name='prompt_usage_tokens_consistent', violation_error_message='tokens_used cannot be less than input plus output tokens.')],
            },
        ),
        migrations.CreateModel(
            name='TrackedPrompt',
            fields=[
                ('id', models.UUIDField(default=ourvidz_admin.db.uuid7, editable=False, primary_key=True, serialize=False)),
                ('prompt', models.TextField()),
                ('prompt_hash', models.CharField(db_index=True, editable=False, max_length=64)),
                ('ai_model', models.CharField(max_length=100)),
                ('outcome', models.CharField(choices=[('success', 'Successful'), ('failed', 'Failed')], max_length=10)),
                ('result_url', models.TextField(blank=True)),
                ('save_method', models.CharField(blank=True, choices=[('auto', 'Auto'), ('manual', 'Manual'), ('user_save', 'User save')], max_length=20)),
                ('model_parameters', models.JSONField(blank=True, default=dict)),
                ('failure_reason', models.CharField(blank=True, choices=[('invalid_parameters', 'Invalid parameters'), ('prompt_too_long', 'Prompt too long'), ('malformed_prompt', 'Malformed prompt syntax'), ('content_filter', 'Content filter'), ('out_of_memory', 'Out of memory'), ('timeout', 'Timeout'), ('model_load_error', 'Model load error'), ('worker_died', 'Worker died'), ('cancelled', 'Cancelled'), ('internal_error', 'Internal error')], max_length=40)),
                ('error_message', models.TextField(blank=True)),
                ('quality_rating', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('feedback', models.TextField(blank=True)),
                ('prompt_length', models.PositiveIntegerField(default=0, editable=False)),
                ('word_count', models.PositiveIntegerField(default=0, editable=False)),
                ('special_char_count', models.PositiveIntegerField(default=0, editable=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('rated_at', models.DateTimeField(blank=True, null=True)),
                ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tracked_prompts', to='generations.job')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'enhanced_prompt_tracker',
                'ordering': ('-created_at',),
                'indexes': [models.Index(models.F('outcome'), models.OrderBy(models.F('created_at'), descending=True), name='tracker_outcome_idx'), models.Index(models.F('quality_rating'), condition=models.Q(('quality_rating__isnull', False)), name='tracker_rating_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('outcome__in', ['success', 'failed'])), name='tracker_outcome_valid', violation_error_message='outcome must be one of: success, failed.'), models.CheckConstraint(condition=models.Q(('save_method__in', ['auto', 'manual', 'user_save', ''])), name='tracker_save_method_valid', violation_error_message='save_method must be one of: auto, manual, user_save.'), models.CheckConstraint(condition=models.Q(('failure_reason__in', ['invalid_parameters', 'prompt_too_long', 'malformed_prompt', 'content_filter', 'out_of_memory', 'timeout', 'model_load_error', 'worker_died', 'cancelled', 'internal_error', ''])), name='tracker_failure_reason_valid', violation_error_message='failure_reason must be one of: invalid_parameters, prompt_too_long, malformed_prompt, content_filter, out_of_memory, timeout, model_load_error, worker_died, cancelled, internal_error.'), models.CheckConstraint(condition=models.Q(models.Q(('quality_rating__gte', 1), ('quality_rating__lte', 5)), ('quality_rating__isnull', True), _connector='OR'), name='tracker_quality_rating_1_5', violation_error_message='quality_rating must be between 1 and 5.'), models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'failed'), models.Q(('failure_reason', ''), _negated=True)), models.Q(('outcome', 'success'), ('failure_reason', '')), _connector='OR'), name='tracker_failure_reason_iff_failed', violation_error_message='Failed prompts need a failure reason; successful ones have none.')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
