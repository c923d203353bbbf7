"""Model configuration ranges, Compel weight validation and hashing, parameter scoping."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from configs.models import CompelConfig, EnhancedModelConfig
from configs.models.compel import compel_config_hash, validate_compel_weights
from tests.factories import CharacterFactory, CompelConfigFactory, EnhancedModelConfigFactory, ModelParametersFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("guidance_scale", 25, "guidance_scale must be between 1.0 and 20.0."),
        ("inference_steps", 60, "inference_steps must be between 10 and 50."),
        ("compel_nsfw_weight", 2.5, "compel_nsfw_weight must be between 0.0 and 2.0."),
        ("qwen_max_time_ms", 40_000, "qwen_max_time_ms must be between 5000 and 30000."),
        ("resolution", "640x640", "resolution must be one of: 1024x1024, 832x1216, 1216x832."),
    ],
)
def test_config_range_rejected(field, value, message):
    config = EnhancedModelConfigFactory.build(**{field: value})

    with pytest.raises(ValidationError) as excinfo:
        config.validate_constraints()
    assert message in excinfo.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        config.save()
    assert EnhancedModelConfig.objects.count() == 0


def test_wan_config_needs_motion_and_frames():
    config = EnhancedModelConfigFactory.build(model_type="WAN", resolution="", motion_bucket=None, frame_count=64)

    with pytest.raises(IntegrityError), transaction.atomic():
        config.save()


def test_only_one_active_config_per_model():
    EnhancedModelConfigFactory(is_active=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        EnhancedModelConfigFactory(is_active=True)
    EnhancedModelConfigFactory(model_type="WAN", resolution="", motion_bucket=127, frame_count=64, is_active=True)
    assert EnhancedModelConfig.objects.filter(is_active=True).count() == 2


def test_compel_hash_is_canonical_and_saved():
    config = CompelConfigFactory(weights={"detail": 1.0, "quality": 1.2})

    assert config.config_hash == compel_config_hash({"quality": 1.2, "detail": 1.0})
    assert len(config.config_hash) == 64
    with pytest.raises(IntegrityError), transaction.atomic():
        CompelConfig(config_name="dup", weights={"quality": 1.2, "detail": 1.0}).save()


@pytest.mark.parametrize(
    "weights,message",
    [
        ({"quality": 3.0}, "Compel weight quality must be a number from 0.5 to 2.0, got 3.0."),
        ({"sharpness": 1.0}, "Unknown Compel weight 'sharpness'; use quality, detail, nsfw, style."),
        ([], 'Compel weights must be an object such as {"quality": 1.2}.'),
    ],
)
def test_compel_weight_validation(weights, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_compel_weights(weights)

    assert excinfo.value.messages == [message]


def test_parameters_unique_per_scope():
    character = CharacterFactory()
    ModelParametersFactory(user_tier="", character=None)
    ModelParametersFactory(user_tier="", character=character)

    with pytest.raises(IntegrityError), transaction.atomic():
        ModelParametersFactory(user_tier="", character=None)
