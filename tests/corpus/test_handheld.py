"""Family A's hand-held camera and its other takes (vidfp.corpus.handheld and its place in build_corpus)."""

import json

import numpy as np

from vidfp.corpus import build
from vidfp.corpus.handheld import handheld_path, place_spot, render_handheld, terrain
from vidfp.fingerprints.camera import camera_motion


def test_takes_hold_on_one_spot_and_shake_their_own_way():
    spot = place_spot(np.random.default_rng(0))
    c1, z1 = handheld_path(180, 15.0, spot, np.random.default_rng(1))
    c2, _ = handheld_path(180, 15.0, spot, np.random.default_rng(2))
    again, _ = handheld_path(180, 15.0, spot, np.random.default_rng(1))
    assert np.array_equal(c1, again)
    # both stay near the spot (drift ≤ 0.04, shake ≤ 0.024 and a little noise) at zoom 0.45 ± 2 %
    assert np.abs(c1 - spot).max() < 0.07 and np.abs(c2 - spot).max() < 0.07
    assert np.all(np.abs(z1 - 0.45) <= 0.45 * 0.02 + 1e-12)
    # the shake: frame-to-frame steps change direction often (a few Hz at 15 frames/s)
    flips = np.mean(np.sign(np.diff(c1[:, 0])[1:]) != np.sign(np.diff(c1[:, 0])[:-1]))
    assert flips > 0.1
    # two takes move differently
    d1, d2 = np.diff(c1, axis=0).ravel(), np.diff(c2, axis=0).ravel()
    assert abs(np.corrcoef(d1, d2)[0, 1]) < 0.3


def test_a_take_is_a_moving_camera_with_confident_estimates():
    """What the camera signal sees at 2 frames/s: speed over the 0.06 floor, peaks of a pure translation."""
    img = terrain()
    assert img.shape == (344, 403, 3) and img.dtype == np.uint8 and img.std() > 20
    rng = np.random.default_rng(3)
    frames = render_handheld(img, 90, 15.0, place_spot(rng), rng)
    idx = np.arange(0, 90, 7)
    cam = camera_motion(frames[idx], idx / 15.0)
    assert np.median(np.linalg.norm(cam[:, :2], axis=1)) > 0.06 and np.median(cam[:, 2]) > 0.4


def test_build_copies_the_take_and_marks_the_other_takes_hard_negatives(tmp_path, monkeypatch):
    kw = dict(  # a journey with a hard negative, a distractor, a still camera and a compilation besides
        clips=(),
        photos=("astronaut",),
        distractor_photos=("coffee",),
        copies=(("reencode",), ("speed",), ("partial_insert",)),
        hard_negatives=("reverse",),
        fixed_scenes=(("camera", "text"),),
        compilations=(1, 2),
        journey_s=3.0,
    )
    monkeypatch.setitem(build.SCALES, "without", build.Scale(**kw))
    monkeypatch.setitem(build.SCALES, "with", build.Scale(**kw, handheld=(("terrain", "horse"),)))
    before = build.build_corpus(str(tmp_path / "a"), "without", seed=0)
    truth = build.build_corpus(str(tmp_path / "b"), "with", seed=0)
    assert json.loads((tmp_path / "b" / "truth.json").read_text(encoding="utf-8")) == truth
    group = truth["groups"]["terrain_handheld"]
    assert sorted(group) == [
        "terrain_handheld copy ünï 'q' \"speed\".mp4",
        "terrain_handheld.mp4",
        "terrain_handheld__reencode.mp4",
    ]
    assert truth["videos"]["terrain_handheld__partial_insert.mp4"]["role"] == "partial"
    takes = ["terrain_handheld_take2.mp4", "terrain_handheld_take3.mp4"]
    assert all(
        truth["videos"][t]["role"] == "hard_negative" and truth["videos"][t]["transform"] == "other_take" for t in takes
    )
    mine = [p for p in truth["hard_negative_pairs"] if "terrain" in p[0] + p[1]]
    assert mine == [[g, takes[0]] for g in group] + [[g, takes[1]] for g in group + [takes[0]]]
    # the takes draw from a stream of their own: every other video and truth entry is as it was
    for key in ("videos", "groups"):
        assert {k: v for k, v in truth[key].items() if "terrain" not in k} == before[key]
    assert [p for p in truth["hard_negative_pairs"] if p not in mine] == before["hard_negative_pairs"]
    assert [g for g in truth["segments"] if "terrain" not in g["a"] + g["b"]] == before["segments"]
    assert any(v["role"] == "compilation" for v in truth["videos"].values())
    # every file but the VP9 encodes (which differ between any two builds) is byte for byte the same
    same = [f for f in before["videos"] if not f.endswith(".webm")]
    assert len(same) >= 8
    for f in same:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
