"""What the backend's limits change is said in the lineage, not silently applied."""

from types import SimpleNamespace

from gpu.params import apply_backend_limits


def test_a_size_over_max_side_is_reduced_and_listed():
    backend = SimpleNamespace(max_side=128, max_frames=None)
    values = apply_backend_limits({"width": 256, "height": 192}, backend, "SDXL")
    assert (values["width"], values["height"]) == (128, 96)
    assert values["not_applied"] == {"size": "256x192 requested; ran at 128x96 (the model directory's max_side "
                                              "is 128)"}


def test_frames_over_max_frames_are_capped_and_listed_and_nothing_else_is():
    backend = SimpleNamespace(max_side=None, max_frames=17)
    values = apply_backend_limits({"width": 32, "height": 32, "frame_count": 33}, backend, "WAN")
    assert values["frame_count"] == 17 and "max_frames is 17" in values["not_applied"]["frame_count"]
    assert "not_applied" not in apply_backend_limits({"width": 32, "height": 32}, backend, "WAN")
