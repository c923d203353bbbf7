"""Forms of the Prompt Testing page: up to five prompts per batch."""

from django import forms

from ourvidz_admin.choices import EnhancementStrategy, ModelType
from prompts.models import Character, PromptTemplate, PromptVersion

BATCH_SIZE = 5


class PromptTestRowForm(forms.Form):
    """One prompt of a batch; a row whose prompt and version are both empty is skipped."""

    prompt = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    model_type = forms.ChoiceField(choices=ModelType.choices, initial=ModelType.SDXL)
    strategy = forms.ChoiceField(choices=EnhancementStrategy.choices, initial=EnhancementStrategy.NONE)
    prompt_version = forms.ModelChoiceField(
        queryset=PromptVersion.objects.active().only("id", "name", "user_prompt", "deleted_at").order_by("-created_at"),
        required=False,
    )
    character = forms.ModelChoiceField(queryset=Character.objects.active().only("id", "name"), required=False)
    template = forms.ModelChoiceField(
        queryset=PromptTemplate.objects.active().filter(model_family__in=("sdxl", "wan"))
        .only("id", "name", "version", "model_family"),
        required=False, help_text="Replaces the resolved template of its type for this job.",
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("prompt") or "").strip() and data.get("prompt_version") is None


PromptTestFormSet = forms.formset_factory(PromptTestRowForm, extra=BATCH_SIZE, max_num=BATCH_SIZE,
                                          absolute_max=BATCH_SIZE)


class PromptTestBatchForm(forms.Form):
    """Settings shared by the batch."""

    test_series = forms.CharField(max_length=100, initial="prompt-testing")
    nsfw = forms.BooleanField(required=False, label="NSFW rules")
