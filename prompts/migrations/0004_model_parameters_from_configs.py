"""Model parameters, taken over from configs without moving data.

The ``model_parameters`` table keeps its name, rows and constraints; only
Django's state moves, with its content type (so granted permissions stay).
"""

import django.db.models.deletion
import django.utils.timezone
import ourvidz_admin.db
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="configs", target="prompts"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    # A content type Django may already have made for the new label would clash with the moved one.
    content_type.objects.using(db).filter(app_label=target, model="modelparameters").delete()
    content_type.objects.using(db).filter(app_label=source, model="modelparameters").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="prompts", target="configs")


class Migration(migrations.Migration):

    dependencies = [
        ('configs', '0007_move_model_parameters_to_prompts'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('prompts', '0003_tag_name_without_commas'),
    ]

    state_operations = [
        migrations.CreateModel(
            name='ModelParameters',
            fields=[
                ('id', models.UUIDField(default=ourvidz_admin.db.uuid7, editable=False, primary_key=True, serialize=False)),
                ('model_family', models.CharField(choices=[('qwen_base', 'Qwen Base (enhancer)'), ('qwen_instruct', 'Qwen Instruct (chat)'), ('sdxl', 'SDXL'), ('wan', 'WAN')], max_length=30)),
                ('user_tier', models.CharField(blank=True, choices=[('', 'Any tier'), ('free', 'Free'), ('starter', 'Starter'), ('pro', 'Pro'), ('premium', 'Premium'), ('admin', 'Admin')], default='', max_length=20)),
                ('guidance_scale', models.DecimalField(blank=True, decimal_places=1, max_digits=3, null=True)),
                ('num_inference_steps', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('temperature', models.DecimalField(blank=True, decimal_places=2, max_digits=3, null=True)),
                ('top_p', models.DecimalField(blank=True, decimal_places=2, max_digits=3, null=True)),
                ('max_new_tokens', models.PositiveIntegerField(blank=True, null=True)),
                ('denoise_strength', models.DecimalField(blank=True, decimal_places=2, max_digits=3, null=True)),
                ('clip_skip', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('frame_count', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('extra', models.JSONField(blank=True, default=dict)),
                ('is_active', models.BooleanField(default=True)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('character', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='parameters', to='prompts.character')),
            ],
            options={
                'verbose_name_plural': 'model parameters',
                'db_table': 'model_parameters',
                'ordering': ('model_family', 'user_tier'),
                'constraints': [models.CheckConstraint(condition=models.Q(('model_family__in', ['qwen_base', 'qwen_instruct', 'sdxl', 'wan'])), name='model_parameters_model_valid', violation_error_message='model_family must be one of: qwen_base, qwen_instruct, sdxl, wan.'), models.CheckConstraint(condition=models.Q(('user_tier__in', ['', 'free', 'starter', 'pro', 'premium', 'admin'])), name='model_parameters_tier_valid', violation_error_message='user_tier must be one of: free, starter, pro, premium, admin.'), models.CheckConstraint(condition=models.Q(models.Q(('guidance_scale__gte', 1), ('guidance_scale__lte', 20)), ('guidance_scale__isnull', True), _connector='OR'), name='model_parameters_guidance_range', violation_error_message='guidance_scale must be between 1 and 20.'), models.CheckConstraint(condition=models.Q(models.Q(('num_inference_steps__gte', 1), ('num_inference_steps__lte', 150)), ('num_inference_steps__isnull', True), _connector='OR'), name='model_parameters_steps_range', violation_error_message='num_inference_steps must be between 1 and 150.'), models.CheckConstraint(condition=models.Q(models.Q(('temperature__gte', 0), ('temperature__lte', 2)), ('temperature__isnull', True), _connector='OR'), name='model_parameters_temperature_range', violation_error_message='temperature must be between 0 and 2.'), models.CheckConstraint(condition=models.Q(models.Q(('top_p__gte', 0), ('top_p__lte', 1)), ('top_p__isnull', True), _connector='OR'), name='model_parameters_top_p_range', violation_error_message='top_p must be between 0 and 1.'), models.CheckConstraint(condition=models.Q(models.Q(('max_new_tokens__gte', 1), ('max_new_tokens__lte', 8192)), ('max_new_tokens__isnull', True), _connector='OR'), name='model_parameters_max_tokens_range', violation_error_message='max_new_tokens must be between 1 and 8192.'), models.CheckConstraint(condition=models.Q(models.Q(('denoise_strength__gte', 0), ('denoise_strength__lte', 1)), ('denoise_strength__isnull', True), _connector='OR'), name='model_parameters_denoise_range', violation_error_message='denoise_strength must be between 0 and 1.'), models.CheckConstraint(condition=models.Q(models.Q(('clip_skip__gte', 0), ('clip_skip__lte', 12)), ('clip_skip__isnull', True), _connector='OR'), name='model_parameters_clip_skip_range', violation_error_message='clip_skip must be between 0 and 12.'), models.CheckConstraint(condition=models.Q(models.Q(('frame_count__gte', 1), ('frame_count__lte', 241)), ('frame_count__isnull', True), _connector='OR'), name='model_parameters_frame_count_range', violation_error_message='frame_count must be between 1 and 241.'), models.UniqueConstraint(models.F('model_family'), models.F('user_tier'), condition=models.Q(('character__isnull', True)), name='model_parameters_unique_tier'), models.UniqueConstraint(models.F('model_family'), models.F('user_tier'), models.F('character'), condition=models.Q(('character__isnull', False)), name='model_parameters_unique_character')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
