"""Serializers of jobs/generations, their images, submissions and ratings."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from generations.models import GenerationImageInput, GenerationImageOutput, Job
from ourvidz_admin.api.serializers import StrictSerializer
from ourvidz_admin.choices import EnhancementStrategy, FailureReason, ModelType, RatingLabel

# Service argument names → API field names, for errors raised by job_submit and job_rate.
FIELD_NAMES = {
    "model_type": "model", "enhancement_strategy": "strategy", "original_prompt": "prompt",
    "prompt_version": "prompt_version_id", "character": "character_id", "num_inference_steps": "steps",
    "guidance_scale": "guidance", "quality_rating": "rating", "inputs": "image", "input_output": "input_output_id",
    "denoise_strength": "strength",
}


class InputImageSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="location", read_only=True)

    class Meta:
        model = GenerationImageInput
        fields = ("id", "url", "order_index", "width", "height", "file_size_bytes", "mime_type", "created_at")
        read_only_fields = fields


class OutputImageSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="location", read_only=True)
    thumbnail_url = serializers.CharField(source="thumbnail_location", read_only=True)
    clip_score = serializers.FloatField(read_only=True, allow_null=True, help_text=(
        "CLIP score (0-100) against the job's original prompt (a video: mean over up to 8 frames); null when no "
        "CLIP backend scored it."))

    class Meta:
        model = GenerationImageOutput
        fields = ("id", "url", "thumbnail_url", "order_index", "width", "height", "file_size_bytes", "mime_type",
                  "frame_count", "duration_ms", "clip_score", "created_at")
        read_only_fields = fields


class JobListSerializer(serializers.ModelSerializer):
    """A job as lists show it: no long text or JSON columns (the list query defers them)."""

    model = serializers.CharField(source="model_type", read_only=True)
    strategy = serializers.CharField(source="enhancement_strategy", read_only=True)
    prompt = serializers.CharField(source="original_prompt", read_only=True)
    steps = serializers.IntegerField(source="num_inference_steps", read_only=True)
    guidance = serializers.FloatField(source="guidance_scale", read_only=True)
    rating = serializers.IntegerField(source="quality_rating", read_only=True,
                                      help_text="The raters' mean, rounded half up to whole stars.")
    rating_label = serializers.SerializerMethodField()
    rating_mean = serializers.FloatField(read_only=True, allow_null=True, help_text="Mean stars of the raters.")
    rating_count = serializers.IntegerField(read_only=True, help_text="Raters who gave stars (one rating each).")
    clip_score = serializers.FloatField(read_only=True, allow_null=True, help_text=(
        "Mean CLIP score (0-100) of the outputs against the original prompt; null when none was scored."))
    inputs = InputImageSerializer(many=True, read_only=True)
    outputs = OutputImageSerializer(many=True, read_only=True)

    class Meta:
        model = Job
        fields = (
            "id", "status", "model", "job_type", "strategy", "prompt", "prompt_version_id", "character_id",
            "user_id", "seed", "steps", "guidance", "width", "height", "frame_count", "test_series",
            "content_mode", "tags", "rating", "rating_label", "rating_mean", "rating_count", "clip_score", "notes",
            "rated_at", "rated_by_id", "failure_reason", "progress", "attempts", "created_at", "started_at",
            "completed_at", "inputs", "outputs",
        )
        read_only_fields = fields

    def get_rating_label(self, job) -> str | None:
        """The label of the stars (FAILED..EXCELLENT)."""
        return RatingLabel(job.quality_rating).name if job.quality_rating else None


class JobDetailSerializer(JobListSerializer):
    """A job with its prompts, error and lineage, and its input and output images."""

    class Meta(JobListSerializer.Meta):
        fields = JobListSerializer.Meta.fields + (
            "denoise_strength", "clip_skip", "enhanced_prompt", "final_prompt", "negative_prompt", "error_message",
            "model_used",
            "inference_time_ms", "lineage", "metadata", "failed_at", "cancelled_at", "cancel_requested_at",
        )
        read_only_fields = fields


class UpperChoiceField(serializers.ChoiceField):
    """Choices matched case-insensitively (``sdxl`` → ``SDXL``)."""

    def to_internal_value(self, data):
        return super().to_internal_value(data.upper() if isinstance(data, str) else data)


class JobCreateSerializer(StrictSerializer):
    """A generation request, as ``job_submit`` takes it."""

    prompt = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="",
                                   trim_whitespace=False)
    model = UpperChoiceField(choices=ModelType.values)
    strategy = serializers.ChoiceField(choices=[*EnhancementStrategy.values, "auto"], default=EnhancementStrategy.NONE,
                                       help_text="auto: the strategy the active configuration's switches allow.")
    prompt_version_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    character_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    seed = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, allow_null=True)
    steps = serializers.IntegerField(min_value=1, max_value=150, required=False, allow_null=True)
    guidance = serializers.DecimalField(max_digits=3, decimal_places=1, min_value=1, max_value=20,
                                        required=False, allow_null=True, coerce_to_string=False)
    width = serializers.IntegerField(min_value=16, max_value=2048, required=False, allow_null=True)
    height = serializers.IntegerField(min_value=16, max_value=2048, required=False, allow_null=True)
    frame_count = serializers.IntegerField(min_value=1, max_value=241, required=False, allow_null=True)
    negative_prompt = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="")
    test_series = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    content_mode = serializers.ChoiceField(choices=[("sfw", "SFW"), ("nsfw", "NSFW")], default="sfw")
    tags = serializers.ListField(child=serializers.CharField(max_length=50), max_length=50, required=False,
                                 default=list)
    image = serializers.FileField(required=False, allow_null=True, default=None, help_text=(
        "An input image (multipart): SDXL runs image-to-image, WAN image-to-video. PNG, JPEG or WebP."))
    input_output_id = serializers.UUIDField(required=False, allow_null=True, default=None, help_text=(
        "Use an existing output image as the input instead of an upload."))
    strength = serializers.FloatField(min_value=0.01, max_value=1.0, required=False, allow_null=True, default=None,
                                      help_text="SDXL image-to-image denoising strength; empty: the configuration's.")
    clip_skip = serializers.IntegerField(min_value=0, max_value=12, required=False, allow_null=True, default=None,
                                         help_text="CLIP layers skipped (SDXL, none and qwen strategies).")
    variables = serializers.DictField(child=serializers.CharField(max_length=2000, allow_blank=True), required=False,
                                      default=dict, help_text=(
                                          "Values of the {name} placeholders of the prompt version or template."))

    loras = serializers.ListField(child=serializers.DictField(), required=False, default=list, max_length=8,
                                  help_text='Registered LoRAs to load (SDXL): [{"name": "x", "weight": 0.8}].')
    tier = serializers.ChoiceField(choices=["free", "starter", "pro", "premium", "admin"], required=False,
                                   allow_null=True, default=None, help_text=(
                                       "Run with this tier's model parameters instead of your own (admins only)."))

    def validate(self, attrs):
        from generations.models import GenerationImageOutput

        request = self.context.get("request")
        if attrs.get("tier") and request is not None and not request.user.has_perm("prompts.change_usertierassignment"):
            raise serializers.ValidationError({"tier": ["Only admins (who may change user tiers) can test as a tier."]})
        from prompts.models import Character, PromptVersion

        if attrs.get("image") is not None and attrs.get("input_output_id"):
            raise serializers.ValidationError({"image": ["Give an image or an input_output_id, not both."]})
        loras = []
        for entry in attrs.get("loras", []):
            name, weight = entry.get("name"), entry.get("weight")
            if not isinstance(name, str) or (weight is not None and not isinstance(weight, (int, float, str))):
                raise serializers.ValidationError({"loras": ['Each LoRA is {"name": "...", "weight": number}.']})
            loras.append((name, weight))
        attrs["loras"] = loras
        image = attrs.pop("image", None)
        attrs["input_files"] = [image] if image is not None else []
        attrs["input_output"] = _existing(GenerationImageOutput, attrs.pop("input_output_id", None),
                                          "input_output_id")

        if not attrs["prompt"].strip() and not attrs["prompt_version_id"]:
            raise serializers.ValidationError({"prompt": ["Give a prompt or a prompt_version_id."]})
        attrs["prompt_version"] = _existing(PromptVersion, attrs.pop("prompt_version_id"), "prompt_version_id")
        attrs["character"] = _existing(Character, attrs.pop("character_id"), "character_id")
        return attrs

    def submit(self, *, user) -> Job:
        """Create and enqueue the job (``job_submit``); service errors keep the API's field names."""
        from django.core.exceptions import ValidationError

        from generations.services import job_submit
        from ourvidz_admin.api.exceptions import validation_detail

        data = dict(self.validated_data)
        try:
            return job_submit(model_type=data.pop("model"), user=user, **data)
        except ValidationError as exc:
            raise serializers.ValidationError(validation_detail(exc, FIELD_NAMES)) from exc


def _existing(model, pk, field):
    if pk is None:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise serializers.ValidationError({field: [f"No {model._meta.verbose_name} with id {pk}."]})
    return row


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 1, "maximum": 5},
                                {"type": "string", "enum": list(RatingLabel.names)}]})
class RatingValueField(serializers.Field):
    """Stars 1-5 as a number, or the rating's label (``GOOD``)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            raise serializers.ValidationError("Give 1-5 or one of " + ", ".join(RatingLabel.names) + ".")
        try:
            return int(RatingLabel.from_label(data))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def to_representation(self, value):
        return value


class JobRatingSerializer(StrictSerializer):
    """``{"rating": 4 or "GOOD", "notes": "..."}``; at least one of rating, notes, failure_reason."""

    rating = RatingValueField(required=False)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, trim_whitespace=False)
    failure_reason = serializers.ChoiceField(choices=["", *FailureReason.values], required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError({"rating": ["Give a rating, notes or a failure_reason."]})
        return attrs


class ImageCreateSerializer(StrictSerializer):
    """An uploaded file (multipart ``file``) or an external ``url``: exactly one."""

    file = serializers.FileField(required=False, max_length=200)
    url = serializers.URLField(required=False, max_length=2000)
    order_index = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    width = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    height = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    mime_type = serializers.CharField(max_length=50, required=False, allow_blank=True)

    def validate(self, attrs):
        if ("file" in attrs) == ("url" in attrs):
            raise serializers.ValidationError({"file": ["Give either a file or a url, not both or neither."]})
        return attrs
