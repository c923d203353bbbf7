"""Serializers of the prompt playground: a preview request (resolution, and the rewrite on request), a chat turn."""

from rest_framework import serializers

from generations.api.serializers import UpperChoiceField
from generations.playground_chat import CHAT_MODES
from ourvidz_admin.api.serializers import StrictSerializer
from ourvidz_admin.choices import EnhancementStrategy, JobType, ModelType
from prompts.models import Character, PromptTemplate, PromptVersion

CONTENT_MODES = [("sfw", "SFW"), ("nsfw", "NSFW")]
# Service argument names -> API field names, for the ValidationErrors of the playground services.
FIELD_NAMES = {"model_type": "model", "template": "template_id", "character": "character_id",
               "prompt_version": "prompt_version_id"}


def _row(model, pk, field: str):
    if pk is None:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise serializers.ValidationError({field: [f"No {model._meta.verbose_name} with id {pk}."]})
    return row


def _variables():
    return serializers.DictField(child=serializers.CharField(max_length=2000, allow_blank=True), required=False,
                                 default=dict, help_text="Values of the {name} placeholders of the templates.")


class PromptPreviewSerializer(StrictSerializer):
    """What a job would be submitted with; ``rewrite: true`` also runs the Qwen rewrite and waits for it."""

    model = UpperChoiceField(choices=ModelType.values)
    job_type = serializers.ChoiceField(choices=JobType.choices, required=False, allow_null=True, default=None,
                                       help_text="The use case of the model's templates; empty: text-to-image or "
                                                 "text-to-video.")
    prompt = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="",
                                   trim_whitespace=False)
    strategy = serializers.ChoiceField(choices=[*EnhancementStrategy.choices, ("auto", "Auto (configuration)")],
                                       default=EnhancementStrategy.NONE)
    prompt_version_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    template_id = serializers.UUIDField(required=False, allow_null=True, default=None, help_text=(
        "A template version (active or not) of the model that replaces the resolved one of its type."))
    character_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), max_length=50, required=False,
                                 default=list)
    content_mode = serializers.ChoiceField(choices=CONTENT_MODES, default="sfw")
    variables = _variables()
    tier = serializers.ChoiceField(choices=["free", "starter", "pro", "premium", "admin"], required=False,
                                   allow_null=True, default=None, help_text="Resolve with this tier's parameters.")
    seed = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, allow_null=True, default=None)
    rewrite = serializers.BooleanField(default=False, help_text=(
        "Also run the Qwen rewrite on the enhance worker and wait for it (PLAYGROUND_WAIT_S)."))

    def validate(self, attrs):
        attrs["prompt_version"] = _row(PromptVersion, attrs.pop("prompt_version_id"), "prompt_version_id")
        attrs["template"] = _row(PromptTemplate, attrs.pop("template_id"), "template_id")
        attrs["character"] = _row(Character, attrs.pop("character_id"), "character_id")
        return attrs


class PromptChatSerializer(StrictSerializer):
    """One chat turn; leave ``conversation_id`` out to start a conversation."""

    conversation_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    use_case = serializers.ChoiceField(choices=list(CHAT_MODES), default="chat", help_text=(
        "chat, roleplay and storybuilder run the chat templates (roleplay needs a character); admin_assistant "
        "its own."))
    template_id = serializers.UUIDField(required=False, allow_null=True, default=None, help_text=(
        "A qwen_instruct template version; empty: the active chat template of the use case."))
    character_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    message = serializers.CharField(max_length=8000, trim_whitespace=False)
    content_mode = serializers.ChoiceField(choices=CONTENT_MODES, default="sfw")
    variables = _variables()

    def validate(self, attrs):
        attrs["template"] = _row(PromptTemplate, attrs.pop("template_id"), "template_id")
        attrs["character"] = _row(Character, attrs.pop("character_id"), "character_id")
        return attrs


class PreviewRuleSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    position = serializers.CharField(help_text="prepend or append.")
    content = serializers.CharField()
    priority = serializers.IntegerField()
    weight_group = serializers.CharField(allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField())
    weight = serializers.FloatField(allow_null=True, help_text="The Compel weight of its group (compel, hybrid).")


class PreviewCharacterSerializer(serializers.Serializer):
    id = serializers.CharField()
    slug = serializers.CharField()
    name = serializers.CharField()
    base_prompt = serializers.CharField(allow_blank=True)
    negative_prompt = serializers.CharField(allow_blank=True)


class RewriteResultSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, help_text="The rewrite, as the job's enhanced prompt would be.")
    final_prompt = serializers.CharField(help_text="The final prompt with the rewrite as its core.")
    expansion_percent = serializers.FloatField(allow_null=True)
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    model_ms = serializers.IntegerField(help_text="Inside the model's generate call.")
    queue_wait_ms = serializers.IntegerField(help_text="On the enhance queue before a worker took it.")
    round_trip_ms = serializers.IntegerField(help_text="Enqueue to result, as this server waited.")
    stopped_by_time = serializers.BooleanField()
    call = serializers.JSONField(help_text="Qwen's system prompt (with the quality focus), token budget, time limit.")
    worker = serializers.CharField(allow_blank=True)
    warnings = serializers.ListField(child=serializers.CharField())


class PromptPreviewResultSerializer(serializers.Serializer):
    model = serializers.CharField(source="model_type")
    job_type = serializers.CharField()
    strategy = serializers.CharField()
    strategy_source = serializers.CharField()
    content_mode = serializers.CharField()
    tier = serializers.CharField()
    prompt = serializers.CharField(help_text="The typed prompt (a prompt version filled), as the job's original.")
    system_prompt = serializers.CharField(allow_blank=True)
    rules = PreviewRuleSerializer(many=True, help_text="In the order they enter the final prompt.")
    character = PreviewCharacterSerializer(allow_null=True)
    final_prompt = serializers.CharField()
    negative_prompt = serializers.CharField(allow_blank=True)
    rewrite_applies = serializers.BooleanField(help_text="The strategy runs the Qwen rewrite (qwen, hybrid).")
    rewrite_instruction = serializers.CharField(allow_blank=True, help_text=(
        "What Qwen is told (the version's system prompt or the rewrite template); empty: its default."))
    compel_weights = serializers.DictField(child=serializers.FloatField(), allow_null=True)
    parameters = serializers.JSONField()
    lineage = serializers.JSONField(help_text="What the job's lineage records of its resolution.")
    warnings = serializers.ListField(child=serializers.CharField())
    seed = serializers.IntegerField()
    rewrite = RewriteResultSerializer(allow_null=True, help_text="Only when asked for (rewrite: true).")


class NamedVersionSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()


class NamedCharacterSerializer(serializers.Serializer):
    id = serializers.CharField()
    slug = serializers.CharField()
    name = serializers.CharField()


class PromptChatResultSerializer(serializers.Serializer):
    conversation_id = serializers.CharField()
    turn = serializers.IntegerField()
    use_case = serializers.CharField(source="mode")
    library_use_case = serializers.CharField(source="use_case", help_text="Whose templates ran: chat or "
                                                                          "admin_assistant.")
    reply = serializers.CharField(allow_blank=True)
    system_prompt = serializers.CharField()
    template = NamedVersionSerializer(allow_null=True)
    character = NamedCharacterSerializer(allow_null=True)
    history_turns = serializers.IntegerField(help_text="Earlier turns sent with this one.")
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    model_ms = serializers.IntegerField()
    queue_wait_ms = serializers.IntegerField()
    round_trip_ms = serializers.IntegerField()
    stopped_by_time = serializers.BooleanField()
    log_id = serializers.CharField(help_text="The PromptLog row of this turn.")
    warnings = serializers.ListField(child=serializers.CharField())
