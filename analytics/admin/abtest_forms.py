"""The form of the "Add A/B test" page: the arms, the prompts, and the power calculation's inputs.

Besides the baseline and the enhanced arm it has ``VARIANT_SLOTS`` optional variant arms
(``variants_<n>_<setting>``); a slot is used when its name is filled in.
"""

from decimal import Decimal

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from analytics.abtests.arms import ARM_KEYS, ARMS, MAX_ARMS, MAX_NAME
from configs.models import CompelConfig, EnhancedModelConfig
from generations.models import Job
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from prompts.models import PromptVersion

PLAN_FIELDS = ("target_lift", "alpha", "power", "sd_difference")
INITIAL_STRATEGY = {"baseline": EnhancementStrategy.NONE, "enhanced": EnhancementStrategy.QWEN}
VARIANT_SLOTS = [f"variants_{index}" for index in range(MAX_ARMS - 2)]


def _arm_fields(name: str, admin_site) -> dict[str, forms.Field]:
    """The four settings of arm ``name`` as form fields ``<arm>_<setting>``."""
    return {
        f"{name}_prompt_version": forms.ModelChoiceField(
            queryset=PromptVersion.objects.active(), required=False, label="Prompt version",
            # Autocomplete through the jobs' prompt_version relation: versions can number in the 100,000s.
            widget=AutocompleteSelect(Job._meta.get_field("prompt_version"), admin_site),
        ),
        f"{name}_enhancement_strategy": forms.ChoiceField(
            choices=EnhancementStrategy.choices, initial=INITIAL_STRATEGY.get(name, EnhancementStrategy.NONE),
            label="Strategy"),
        f"{name}_compel_config": forms.ModelChoiceField(
            queryset=CompelConfig.objects.order_by("config_name"), required=False, label="Compel configuration",
            help_text="compel and hybrid only"),
        f"{name}_model_config": forms.ModelChoiceField(
            queryset=EnhancedModelConfig.objects.order_by("model_type", "config_name"), required=False,
            label="Model configuration", help_text="of the test's model type; empty: the active one"),
    }


class ABTestCreateForm(forms.Form):
    """What ``ab_test_create`` takes; its errors land on these fields (``baseline.x`` on ``baseline_x``)."""

    test_name = forms.CharField(max_length=100)
    test_series = forms.CharField(max_length=100, help_text="Set on every job of the test.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    model_type = forms.ChoiceField(choices=ModelType.choices, initial=ModelType.SDXL)
    prompts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text="One prompt per line. Fewer than the proposed number are cycled, each repeat with its own seed.",
    )
    input_image = forms.FileField(required=False, help_text=(
        "Optional: every prompt's two jobs start from this image (SDXL image-to-image, WAN image-to-video)."))
    target_lift = forms.DecimalField(max_digits=3, decimal_places=2, initial=Decimal("0.50"),
                                     help_text="Smallest lift in mean rating worth detecting (stars).")
    alpha = forms.DecimalField(max_digits=4, decimal_places=3, initial=Decimal("0.050"),
                               help_text="Significance level (two-sided).")
    power = forms.DecimalField(max_digits=3, decimal_places=2, initial=Decimal("0.80"))
    sd_difference = forms.DecimalField(
        max_digits=3, decimal_places=2, initial=Decimal("1.00"),
        help_text="Expected sd of the paired differences (stars); from earlier tests or a guess.")
    guardrails_success_rate_drop = forms.DecimalField(
        required=False, min_value=0, max_value=100, decimal_places=1, label="Guardrail: max success-rate drop",
        help_text="Points the enhanced arm's success rate may fall below the baseline's (empty: no guardrail).")
    guardrails_time_increase_pct = forms.DecimalField(
        required=False, min_value=0, max_value=1000, decimal_places=1, label="Guardrail: max time increase",
        help_text="Percent the enhanced arm's mean inference time may exceed the baseline's (empty: none).")
    guardrails_clip_score_drop = forms.DecimalField(
        required=False, min_value=0, max_value=100, decimal_places=1, label="Guardrail: max CLIP score drop",
        help_text="CLIP points the enhanced arm's mean CLIP score may fall below the baseline's (empty: none).")

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ARMS:
            self.fields.update(_arm_fields(name, admin_site))
        for slot in VARIANT_SLOTS:
            self.fields[f"{slot}_name"] = forms.CharField(
                max_length=MAX_NAME, required=False, label="Name",
                help_text="Fill in to compare this arm with the baseline too; results only, never raters.")
            self.fields.update(_arm_fields(slot, admin_site))
            self.fields[f"{slot}_enhancement_strategy"].required = False

    def arm_field_names(self, name: str) -> list[str]:
        return [*([f"{name}_name"] if name in VARIANT_SLOTS else []), *(f"{name}_{key}" for key in ARM_KEYS)]

    def used_slots(self) -> list[str]:
        """The variant slots with a name, in order: the service's ``variants.<n>`` is the n-th of them."""
        return [slot for slot in VARIANT_SLOTS if (self.cleaned_data.get(f"{slot}_name") or "").strip()]

    def variants(self) -> list[dict]:
        """The named variant slots as the service takes them."""
        return [{"name": self.cleaned_data[f"{slot}_name"].strip(), **self.arm(slot)} for slot in self.used_slots()]

    def arm(self, name: str) -> dict:
        """Arm ``name`` as the service takes it (ids as strings, unset settings left out)."""
        data = {}
        for key in ARM_KEYS:
            value = self.cleaned_data.get(f"{name}_{key}")
            if value not in (None, ""):
                data[key] = value if isinstance(value, str) else str(value.pk)
        return data

    def plan_values(self) -> dict:
        return {**{name: self.cleaned_data[name] for name in PLAN_FIELDS}, "comparisons": 1 + len(self.variants())}

    def service_values(self) -> dict:
        """Keyword arguments of ``ab_test_create`` (without ``created_by``)."""
        data = self.cleaned_data
        return {"test_name": data["test_name"], "test_series": data["test_series"],
                "description": data["description"], "model_type": data["model_type"],
                "baseline": self.arm("baseline"), "enhanced": self.arm("enhanced"), "variants": self.variants(),
                "prompts": data["prompts"].splitlines(), "input_image": data.get("input_image"),
                "guardrails": {metric: data[f"guardrails_{metric}"] for metric in (
                    "success_rate_drop", "time_increase_pct", "clip_score_drop")
                               if data.get(f"guardrails_{metric}") is not None},
                **{name: data[name] for name in PLAN_FIELDS}}

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service error on its field: ``baseline.compel_config`` → ``baseline_compel_config``."""
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        slots = self.used_slots() if hasattr(self, "cleaned_data") else []
        for key, messages in detail.items():
            head, _dot, rest = key.partition(".")
            if head == "variants" and rest.split(".")[0].isdigit() and int(rest.split(".")[0]) < len(slots):
                index, _dot, setting = rest.partition(".")
                key = f"{slots[int(index)]}.{setting or 'name'}"
            field = key.replace(".", "_")
            self.add_error(field if field in self.fields else None, messages)


class QueueForm(forms.Form):
    """A rating queue over every started job of a test (all arms), shared among raters."""

    name = forms.CharField(max_length=100)
    raters = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username"),
        help_text="Who rates; the outputs are shared out evenly, each rater's in their own stream.")
    overlap = forms.DecimalField(min_value=0, max_value=1, decimal_places=2, initial=Decimal("0.20"), help_text=(
        "Share of outputs rated by two raters (0.2: one in five), so agreement can be measured."))
