"""The CLIP score on the tiny random CLIP, checked against torchmetrics' CLIPScore; its worker stage.

Nothing is mocked: the tiny model runs the real transformers code. torchmetrics 1.9 calls
``model.get_image_features(...)`` and divides the result by its norm, which needs the tensor that
transformers 4 returned; transformers 5 returns a ``BaseModelOutputWithPooling`` holding it in
``pooler_output``. ``Transformers5CLIP`` hands torchmetrics that tensor from the very same model, the
"compatible model" its ``model_name_or_path`` callable accepts.
"""

import logging

import numpy as np
import pytest
import torch
from django.core.files.storage import default_storage
from PIL import Image
from torchmetrics.multimodal.clip_score import CLIPScore
from transformers import CLIPModel, CLIPProcessor

from configs.services import model_backend_set
from generations.lifecycle import OutputSpec
from gpu.cache import MODEL_CACHE, ModelCache
from gpu.outputs import read_mp4_frames
from gpu.pipelines import clip
from gpu.stages import score_outputs
from gpu.storage import load_output_frames, save_images, save_video
from tests.factories import JobFactory

PROMPT = "portrait of a woman, golden hour"


class Transformers5CLIP(torch.nn.Module):
    """The same CLIPModel, its feature methods returning the projected embedding tensor."""

    def __init__(self, model: CLIPModel):
        super().__init__()
        self.model, self.config = model, model.config

    def get_image_features(self, *args, **kwargs):
        return self.model.get_image_features(*args, **kwargs).pooler_output

    def get_text_features(self, *args, **kwargs):
        return self.model.get_text_features(*args, **kwargs).pooler_output


@pytest.fixture(scope="module")
def clip_bundle(tiny_models):
    return clip.load(str(tiny_models["clip"]), "cpu", "float32")


def torchmetrics_score(bundle, images, texts) -> float:
    """torchmetrics' CLIPScore of one update with these images (as uint8 CHW tensors) and captions."""
    metric = CLIPScore(model_name_or_path=lambda: (Transformers5CLIP(bundle.model), bundle.processor))
    tensors = [torch.from_numpy(np.array(image)).permute(2, 0, 1) for image in images]
    return float(metric(tensors, texts).detach())


def noise(seed: int, size=(96, 64)) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def test_tiny_clip_is_a_clip_checkpoint_loaded_with_from_pretrained(tiny_models):
    model = CLIPModel.from_pretrained(tiny_models["clip"])
    processor = CLIPProcessor.from_pretrained(tiny_models["clip"])

    pixels = processor(images=[noise(0)], return_tensors="pt")["pixel_values"]
    assert pixels.shape == (1, 3, 32, 32)
    assert processor.tokenizer.model_max_length == model.config.text_config.max_position_embeddings == 77
    assert model.config.projection_dim == 32


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_image_score_is_torchmetrics_clip_score(clip_bundle, seed):
    image = noise(seed)

    ours = clip.score(clip_bundle, PROMPT, [image])

    assert ours == pytest.approx(torchmetrics_score(clip_bundle, [image], [PROMPT]), abs=1e-4)
    assert 0 <= ours <= 100


def test_two_frame_video_is_the_mean_of_torchmetrics_frame_scores(clip_bundle):
    frames = [noise(10), noise(11)]
    per_frame = [torchmetrics_score(clip_bundle, [frame], [PROMPT]) for frame in frames]
    cosines = clip.cosines(clip_bundle, PROMPT, frames)

    ours = clip.score(clip_bundle, PROMPT, frames)

    assert ours == pytest.approx(sum(per_frame) / 2, abs=1e-4)
    assert all(cosine > 0 for cosine in cosines)  # so one CLIPScore over both frames is the same mean
    assert ours == pytest.approx(torchmetrics_score(clip_bundle, frames, [PROMPT, PROMPT]), abs=1e-4)


def test_a_negative_cosine_scores_zero(clip_bundle):
    cosine = clip.cosines(clip_bundle, PROMPT, [noise(0)])[0]
    projection = clip_bundle.model.visual_projection.weight
    with torch.no_grad():  # the image projection negated for a moment: cos becomes -cos
        projection.neg_()
        try:
            negative = clip.cosines(clip_bundle, PROMPT, [noise(0)])[0]
            scores = clip.score_images(clip_bundle, PROMPT, [noise(0)])
            reference = torchmetrics_score(clip_bundle, [noise(0)], [PROMPT])
        finally:
            projection.neg_()

    assert negative == pytest.approx(-cosine, abs=1e-6) and negative < 0
    assert scores == [0.0] and reference == 0.0


def test_a_long_prompt_is_cut_to_77_tokens_keeping_the_end_token(clip_bundle):
    # every word of the tiny vocabulary is one token: 75 words + start + end = 77
    words = ("woman red hat sunset " * 40).split()

    long = clip.score(clip_bundle, " ".join(words), [noise(0)])

    assert long == pytest.approx(clip.score(clip_bundle, " ".join(words[:75]), [noise(0)]), abs=1e-6)
    assert long != pytest.approx(clip.score(clip_bundle, " ".join(words[:74]), [noise(0)]), abs=1e-6)


@pytest.mark.parametrize("count,expected", [
    (0, []), (1, [0]), (2, [0, 1]), (8, list(range(8))), (9, [0, 1, 2, 3, 4, 5, 6, 8]),
    (81, [0, 11, 22, 34, 45, 57, 68, 80]),
])
def test_video_frames_are_sampled_evenly_first_and_last_included(count, expected):
    assert clip.sample_indices(count) == expected


def test_cache_keeps_the_clip_model_resident(tiny_models):
    models = ModelCache()

    first = models.get("clip", str(tiny_models["clip"]), "cpu", "float32")
    again = models.get("clip", str(tiny_models["clip"]), "cpu", "float32")

    assert again is first and models.load_count["clip"] == 1
    assert isinstance(first.bundle, clip.CLIPBundle)


# the worker stage


@pytest.fixture
def resident():
    yield MODEL_CACHE
    MODEL_CACHE.clear()


def _saved_images(job, images) -> list[OutputSpec]:
    return save_images(job, images, call={"num_inference_steps": 4, "guidance_scale": 5.0, "seed": 1},
                       sampler="Euler")


@pytest.mark.django_db
def test_no_clip_backend_scores_nothing_and_records_nothing():
    job = JobFactory()
    outputs = _saved_images(job, [noise(0)])

    assert score_outputs(job, outputs) == {}
    assert outputs[0].clip_score is None


@pytest.mark.django_db
def test_a_disabled_clip_backend_scores_nothing(tiny_models):
    backend = model_backend_set(family="clip", path=str(tiny_models["clip"]))
    backend.enabled = False
    backend.save()
    job = JobFactory()
    outputs = _saved_images(job, [noise(0)])

    assert score_outputs(job, outputs) == {}
    assert outputs[0].clip_score is None


@pytest.mark.django_db
def test_each_stored_image_is_scored_against_the_original_prompt(tiny_models, clip_bundle, resident):
    model_backend_set(family="clip", path=str(tiny_models["clip"]), device="cpu", dtype="float32")
    job = JobFactory(original_prompt="a red hat at sunset", final_prompt="a red hat at sunset, best quality")
    images = [noise(3), noise(4)]
    outputs = _saved_images(job, images)

    recorded = score_outputs(job, outputs)

    assert [spec.clip_score for spec in outputs] == pytest.approx(
        [clip.score(clip_bundle, "a red hat at sunset", [image]) for image in images], abs=1e-6)
    assert recorded["clip_model"] == str(tiny_models["clip"]) and recorded["clip_ms"] >= 0
    assert "clip_error" not in recorded and resident.load_count["clip"] >= 1


@pytest.mark.django_db
def test_a_video_scores_the_mean_of_its_sampled_stored_frames(tiny_models, clip_bundle, resident):
    model_backend_set(family="clip", path=str(tiny_models["clip"]), device="cpu", dtype="float32")
    job = JobFactory(model_type="WAN", job_type="text_to_video", original_prompt="waves on the sea")
    frames = [noise(20 + index, size=(32, 32)) for index in range(9)]
    outputs = save_video(job, frames, fps=8)
    with default_storage.open(outputs[0].file_name, "rb") as handle:
        stored = read_mp4_frames(handle.read(), clip.sample_indices(9))

    score_outputs(job, outputs)

    assert len(stored) == 8
    assert outputs[0].clip_score == pytest.approx(clip.score(clip_bundle, "waves on the sea", stored), abs=1e-6)
    assert load_output_frames(outputs[0], [0, 8])[1].size == (32, 32)


@pytest.mark.django_db
def test_a_clip_model_that_cannot_load_leaves_the_scores_empty_and_says_why(tmp_path, caplog, resident):
    missing = str(tmp_path / "no-clip")
    model_backend_set(family="clip", path=missing)
    job = JobFactory()
    outputs = _saved_images(job, [noise(0)])

    with caplog.at_level(logging.WARNING, logger="gpu.stages"):
        recorded = score_outputs(job, outputs)

    assert recorded == {"clip_model": missing, "clip_error": f"Model directory not found: {missing}"}
    assert outputs[0].clip_score is None
    assert [record.getMessage() for record in caplog.records] == [
        f"job {job.pk}: no CLIP score ({missing}): Model directory not found: {missing}"]
