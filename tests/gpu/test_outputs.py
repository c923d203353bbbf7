"""Tests for gpu.outputs: A1111 infotext, PNG metadata, MP4 encoding and thumbnails."""

import io

from PIL import Image

from gpu.outputs import (
    a1111_parameters,
    encode_mp4,
    encode_png,
    parse_a1111_parameters,
    probe_mp4,
    read_png_parameters,
    thumbnail_png,
)

PARAMS = dict(
    prompt="a cat in a (red hat)1.3, cinematic",
    negative_prompt="blurry, ugly",
    steps=25,
    sampler="Euler",
    cfg_scale=7.5,
    seed=42,
    width=1024,
    height=1024,
    model="sdxl-base",
)


def test_a1111_parameters_matches_automatic1111_layout():
    # given generation settings with extras that need quoting and one None
    extra = {"Job id": "7f3a", "Note": "a, b: c", "Skipped": None}

    # when
    text = a1111_parameters(**PARAMS, extra=extra)

    # then
    assert text == (
        "a cat in a (red hat)1.3, cinematic\n"
        "Negative prompt: blurry, ugly\n"
        "Steps: 25, Sampler: Euler, CFG scale: 7.5, Seed: 42, Size: 1024x1024, Model: sdxl-base, "
        'Job id: 7f3a, Note: "a, b: c"'
    )


def test_a1111_parameters_omits_empty_negative_prompt():
    # given / when
    text = a1111_parameters(**{**PARAMS, "negative_prompt": "", "cfg_scale": 7.0})

    # then
    assert text == (
        "a cat in a (red hat)1.3, cinematic\n"
        "Steps: 25, Sampler: Euler, CFG scale: 7, Seed: 42, Size: 1024x1024, Model: sdxl-base"
    )


def test_parse_a1111_parameters_round_trips():
    # given
    text = a1111_parameters(**{**PARAMS, "prompt": "line one\nline two"}, extra={"Job id": 'say "hi", ok'})

    # when
    parsed = parse_a1111_parameters(text)

    # then
    assert parsed == {
        "prompt": "line one\nline two",
        "negative_prompt": "blurry, ugly",
        "Steps": "25",
        "Sampler": "Euler",
        "CFG scale": "7.5",
        "Seed": "42",
        "Size": "1024x1024",
        "Model": "sdxl-base",
        "Job id": 'say "hi", ok',
    }


def test_png_parameters_chunk_round_trips_latin1_and_unicode():
    # given
    image = Image.new("RGB", (8, 6), (10, 20, 30))

    for parameters in ("a cat\nSteps: 4", "猫 in a hat ✨\nSteps: 4"):
        # when
        data = encode_png(image, parameters)

        # then
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert read_png_parameters(data) == parameters
        assert Image.open(io.BytesIO(data)).size == (8, 6)


def test_read_png_parameters_is_none_without_chunk():
    # given
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")

    # when / then
    assert read_png_parameters(buffer.getvalue()) is None


def test_encode_mp4_of_9_frames_probes_as_9_h264_frames():
    # given 9 distinct 48x32 frames
    frames = [Image.new("RGB", (48, 32), (index * 25, 100, 200)) for index in range(9)]

    # when
    data = encode_mp4(frames, fps=8)

    # then
    assert probe_mp4(data) == {"frames": 9, "width": 48, "height": 32, "codec": "h264", "duration_ms": 1125}


def test_encode_mp4_pads_odd_dimensions_to_even():
    # given
    frames = [Image.new("RGB", (33, 17), (0, 0, 0))] * 5

    # when
    probe = probe_mp4(encode_mp4(frames, fps=16))

    # then
    assert (probe["frames"], probe["width"], probe["height"]) == (5, 34, 18)


def test_thumbnail_png_is_bounded_and_keeps_aspect():
    # given
    image = Image.new("RGB", (1024, 512), (255, 0, 0))

    # when
    thumb = Image.open(io.BytesIO(thumbnail_png(image, max_side=256)))

    # then
    assert (thumb.format, thumb.size) == ("PNG", (256, 128))
    assert image.size == (1024, 512)  # the original is untouched
