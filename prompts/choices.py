"""Vocabulary of the prompt library and the dynamic prompting system (documents 002 and 004)."""

from django.db import models


class ModelFamily(models.TextChoices):
    """The models document 004 manages prompts for."""

    QWEN_BASE = "qwen_base", "Qwen Base (enhancer)"
    QWEN_INSTRUCT = "qwen_instruct", "Qwen Instruct (chat)"
    SDXL = "sdxl", "SDXL"
    WAN = "wan", "WAN"


class UseCase(models.TextChoices):
    ENHANCEMENT = "enhancement", "Prompt enhancement"
    CHAT = "chat", "Chat / roleplay / storybuilder"
    ADMIN_ASSISTANT = "admin_assistant", "Admin assistant"
    TEXT_TO_IMAGE = "text_to_image", "Text to image"
    IMAGE_TO_IMAGE = "image_to_image", "Image to image"
    TEXT_TO_VIDEO = "text_to_video", "Text to video"
    IMAGE_TO_VIDEO = "image_to_video", "Image to video"
    PERSONA = "persona", "User persona"
    TESTING = "testing", "Admin prompt testing"


class TemplateType(models.TextChoices):
    SYSTEM = "system", "System"
    NEGATIVE = "negative", "Negative"
    REWRITE = "rewrite", "Rewrite"
    CHAT = "chat", "Chat"
    PERSONA = "persona", "Persona"


class ContentMode(models.TextChoices):
    """Which SFW/NSFW setting a template or rule applies to."""

    ANY = "any", "SFW and NSFW"
    SFW = "sfw", "SFW only"
    NSFW = "nsfw", "NSFW only"


class RuleType(models.TextChoices):
    PREPEND = "prepend", "Prepend"
    APPEND = "append", "Append"


class UserTier(models.TextChoices):
    ANY = "", "Any tier"
    FREE = "free", "Free"
    STARTER = "starter", "Starter"
    PRO = "pro", "Pro"
    PREMIUM = "premium", "Premium"
    ADMIN = "admin", "Admin"


class PromptStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    DEPRECATED = "deprecated", "Deprecated"
    ARCHIVED = "archived", "Archived"


class ComplexityLevel(models.TextChoices):
    BASIC = "basic", "Basic"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"
    EXPERT = "expert", "Expert"


class WeightGroup(models.TextChoices):
    """Which Compel weight of the model configuration scales a rule's text."""

    QUALITY = "quality", "Quality"
    DETAIL = "detail", "Detail"
    STYLE = "style", "Style"
    NSFW = "nsfw", "NSFW"


class LabelKind(models.TextChoices):
    """What a label points at: a prompt version (family: its library prompt) or a template (family: its slot)."""

    VERSION = "version", "Prompt version"
    TEMPLATE = "template", "Prompt template"


class LabelJustification(models.TextChoices):
    """What justified a label move: a reference by kind and id, so prompts need not import the apps that own it."""

    RUN = "run", "Experiment run"
    AB_TEST = "ab_test", "A/B test"


# The label workers resolve; the other well-known one. Free names are allowed besides these.
PRODUCTION = "production"
STAGING = "staging"
