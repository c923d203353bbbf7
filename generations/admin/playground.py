"""The Prompt playground page: a job's resolved prompt at once, the Qwen rewrite on request, and chat turns.

The page only renders the form; its buttons post JSON to /api/prompts/preview and /api/prompts/chat (the
services in ``generations.playground`` and ``generations.playground_chat``), so the page and the API answer alike.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from generations.models import Job
from generations.playground_chat import CHAT_MODES
from ourvidz_admin.choices import EnhancementStrategy, JobType, ModelType
from prompts.choices import ModelFamily
from prompts.models import Character, PromptTag, PromptTemplate, PromptVersion

PERMISSION = "generations.add_job"
# Newest template versions offered per list; a longer history is reachable by id through the API.
TEMPLATE_CHOICES = 300


class TemplateChoice(forms.ModelChoiceField):
    def label_from_instance(self, template) -> str:
        state = "" if template.is_active else " (inactive)"
        return (f"{template.model_family} · {template.use_case} · {template.template_type} · {template.name} "
                f"v{template.version}{state}")


class CharacterChoice(forms.ModelChoiceField):
    def label_from_instance(self, character) -> str:
        return f"{character.name}{'' if character.is_active else ' (inactive)'}"


def _templates(*families: str):
    return (PromptTemplate.objects.filter(model_family__in=families)
            .only("id", "name", "model_family", "use_case", "template_type", "version", "is_active")
            .order_by("model_family", "use_case", "template_type", "-version")[:TEMPLATE_CHOICES])


def _characters():
    return Character.objects.only("id", "name", "is_active").order_by("-is_active", "name")


class PlaygroundForm(forms.Form):
    """The inputs of a preview, named as /api/prompts/preview takes them (the page's script sends them as JSON)."""

    prompt = forms.CharField(required=False, widget=forms.Textarea(attrs={
        "rows": 3, "placeholder": "portrait of a lighthouse keeper, (red hat)1.2 (Ctrl+Enter resolves)"}))
    model = forms.ChoiceField(choices=ModelType.choices, initial=ModelType.SDXL)
    job_type = forms.ChoiceField(choices=[("", "default"), *JobType.choices], required=False, label="Use case")
    strategy = forms.ChoiceField(choices=[*EnhancementStrategy.choices, ("auto", "Auto (configuration)")],
                                 initial=EnhancementStrategy.QWEN)
    content_mode = forms.ChoiceField(choices=[("sfw", "SFW"), ("nsfw", "NSFW")], label="Content")
    template_id = TemplateChoice(queryset=_templates(ModelFamily.SDXL, ModelFamily.WAN), required=False,
                                 label="Template version", empty_label="(the active ones)")
    character_id = CharacterChoice(queryset=_characters(), required=False, label="Character")
    prompt_version_id = forms.ModelChoiceField(
        queryset=PromptVersion.objects.active().only("id", "name").order_by("-created_at")[:200], required=False,
        label="Prompt version")
    tags = forms.CharField(required=False, help_text="Rules' tags, comma-separated.", widget=forms.TextInput(
        attrs={"list": "playground-tags", "placeholder": "portrait, lighting"}))
    variables = forms.CharField(required=False, help_text="{name} placeholders: NAME=VALUE separated by ;",
                                widget=forms.TextInput(attrs={"placeholder": "style=watercolor; mood=calm"}))
    tier = forms.ChoiceField(choices=[("", "mine"), ("free", "Free"), ("starter", "Starter"), ("pro", "Pro"),
                                      ("premium", "Premium"), ("admin", "Admin")], required=False)
    seed = forms.IntegerField(required=False, min_value=0, widget=forms.NumberInput(attrs={"placeholder": "random"}))


class ChatForm(forms.Form):
    """A chat turn's inputs, named as /api/prompts/chat takes them."""

    use_case = forms.ChoiceField(choices=[(mode, mode.replace("_", " ")) for mode in CHAT_MODES], label="Use case")
    template_id = TemplateChoice(queryset=_templates(ModelFamily.QWEN_INSTRUCT), required=False,
                                 label="Template version", empty_label="(the active one)")
    character_id = CharacterChoice(queryset=_characters(), required=False, label="Character")
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Say something (Enter sends)"}))


def playground_urls(model_admin) -> list:
    """URL pattern of the Prompt playground page, bound to the jobs ModelAdmin."""
    view = model_admin.admin_site.admin_view
    return [path("playground/", view(lambda r: playground_view(r, model_admin)), name="generations_job_playground")]


def playground_view(request, model_admin):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request), "title": "Prompt playground", "opts": Job._meta,
        "form": PlaygroundForm(), "chat": ChatForm(prefix="chat"),
        "tags": PromptTag.objects.order_by("name").values_list("name", flat=True)[:500],
    }
    return TemplateResponse(request, "admin/generations/job/playground.html", context)
