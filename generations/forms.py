"""Forms of the Prompt Testing page: up to five prompts per batch."""

from django import forms
from django.db.models import Subquery

from generations.models import GenerationImageOutput
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from ourvidz_admin.db import short_id
from prompts.models import Character, PromptTemplate, PromptVersion
from prompts.placeholders import TYPED_PROMPT_NAMES, placeholder_names, variables_parse

BATCH_SIZE = 5
RECENT_OUTPUTS = 30


def recent_output_images():
    """The latest stored output images, newest first: the "use the output of job N" picker."""
    latest = GenerationImageOutput.objects.filter(mime_type__startswith="image/").exclude(file="") \
        .order_by("-created_at").values("pk")[:RECENT_OUTPUTS]
    return GenerationImageOutput.objects.filter(pk__in=Subquery(latest)).select_related("job") \
        .only("id", "order_index", "created_at", "job__id", "job__original_prompt").order_by("-created_at")


class VersionSelect(forms.Select):
    """Prompt version options carrying their placeholders (``data-placeholders``), so the row can ask for them."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            names = [n for n in placeholder_names(instance.user_prompt) if n not in TYPED_PROMPT_NAMES]
            if names:
                option["attrs"]["data-placeholders"] = " ".join(names)
        return option


class OutputChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, output) -> str:
        prompt = output.job.original_prompt
        return f"{short_id(output.job_id)} #{output.order_index}: {prompt[:40]}{'…' if len(prompt) > 40 else ''}"


class PromptTestRowForm(forms.Form):
    """One prompt of a batch; a row whose prompt and version are both empty is skipped."""

    prompt = forms.CharField(required=False, widget=forms.Textarea(attrs={
        "rows": 2, "class": "prompt", "placeholder": "prompt (Ctrl+Enter submits the batch)"}))
    model_type = forms.ChoiceField(choices=ModelType.choices, initial=ModelType.SDXL)
    strategy = forms.ChoiceField(choices=[*EnhancementStrategy.choices, ("auto", "Auto (configuration)")],
                                 initial=EnhancementStrategy.NONE)
    prompt_version = forms.ModelChoiceField(
        queryset=PromptVersion.objects.active().only("id", "name", "user_prompt", "deleted_at").order_by("-created_at"),
        required=False, widget=VersionSelect,
    )
    character = forms.ModelChoiceField(queryset=Character.objects.active().only("id", "name"), required=False)
    template = forms.ModelChoiceField(
        queryset=PromptTemplate.objects.active().filter(model_family__in=("sdxl", "wan"))
        .only("id", "name", "version", "model_family"),
        required=False, help_text="Replaces the resolved template of its type for this job.",
    )
    image = forms.FileField(required=False, label="Input image",
                            help_text="SDXL: image-to-image; WAN: image-to-video. PNG, JPEG or WebP.")
    input_output = OutputChoiceField(queryset=recent_output_images(), required=False, label="or the output of",
                                     empty_label="(no input image)")
    strength = forms.FloatField(required=False, min_value=0.01, max_value=1, label="Strength",
                                widget=forms.NumberInput(attrs={"step": "0.01", "style": "width:5em"}),
                                help_text="SDXL image-to-image only.")
    seed = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1, label="Seed",
                              widget=forms.NumberInput(attrs={"style": "width:9em", "placeholder": "random"}),
                              help_text="Empty: a random seed, shown on the job afterwards.")
    clip_skip = forms.IntegerField(required=False, min_value=0, max_value=12, label="Clip skip",
                                   widget=forms.NumberInput(attrs={"style": "width:4em"}),
                                   help_text="SDXL without Compel.")

    variables = forms.CharField(required=False, label="Variables", widget=forms.TextInput(
        attrs={"placeholder": "style=watercolor; mood=calm", "style": "width:16em"}),
        help_text="Values of the version's or template's {name} placeholders, NAME=VALUE separated by ;")

    def clean_variables(self) -> dict[str, str]:
        pairs = [pair for pair in self.cleaned_data["variables"].split(";") if pair.strip()]
        try:
            return variables_parse(pairs, option="Variable")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if data.get("image") and data.get("input_output"):
            self.add_error("image", "Upload an image or pick an output, not both.")
        return data

    def is_blank(self) -> bool:
        """Nothing typed or chosen on the row (a row with only an image or a strength is not blank: it is refused)."""
        data = self.cleaned_data
        return not (data.get("prompt") or "").strip() and not any(
            data.get(name) not in (None, "", {}) for name in ("prompt_version", "image", "input_output", "strength",
                                                              "clip_skip", "seed", "variables"))


PromptTestFormSet = forms.formset_factory(PromptTestRowForm, extra=BATCH_SIZE, max_num=BATCH_SIZE,
                                          absolute_max=BATCH_SIZE)


class PromptTestBatchForm(forms.Form):
    """Settings shared by the batch."""

    test_series = forms.CharField(max_length=100, initial="prompt-testing")
    nsfw = forms.BooleanField(required=False, label="NSFW rules")
