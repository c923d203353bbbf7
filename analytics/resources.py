"""django-import-export resources of the analytics app: prompt test results."""

from django.contrib.auth import get_user_model

from analytics.models import PromptTestResult
from ourvidz_admin.import_widgets import id_field, lookup_field, time_field
from ourvidz_admin.resources import StrictModelResource

User = get_user_model()


class PromptTestResultResource(StrictModelResource):
    """Prompt Testing rows (``prompt_test_results``); the job by id, the tester by username."""

    id = id_field()
    tested_by = lookup_field("tested_by", User, "username")
    created_at = time_field("created_at", keep_default=True)
    required_columns = ("id", "prompt_text", "model_type", "success")
    export_select = ("tested_by",)

    class Meta:
        model = PromptTestResult
        fields = ("id", "job", "prompt_text", "model_type", "prompt_category", "quality_rating",
                  "generation_time_ms", "success", "error_message", "notes", "tested_by", "created_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True
