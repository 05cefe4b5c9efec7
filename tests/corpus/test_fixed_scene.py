"""Family A's still camera at other moments (vidfp.corpus.fixed_scene and its place in build_corpus)."""

import json

import numpy as np

from vidfp.corpus import build
from vidfp.corpus.fixed_scene import _position, passers_by, render_fixed_scene, render_frozen_shot
from vidfp.corpus.media import photo


def test_moments_share_the_background_and_differ_in_what_moves():
    img = photo("camera")
    a = render_fixed_scene(img, 60, 15.0, np.random.default_rng(1))
    b = render_fixed_scene(img, 60, 15.0, np.random.default_rng(2))
    again = render_fixed_scene(img, 60, 15.0, np.random.default_rng(1))
    assert a.shape == (60, 144, 192, 3) and a.dtype == np.uint8 and np.array_equal(a, again)
    med_a, med_b = np.median(a, axis=0), np.median(b, axis=0)  # the still background
    assert np.abs(med_a.astype(float) - med_b).mean() < 3.0
    # what moves: the walkers cover a share of the frame that rises and falls, and in the two moments
    # they are at other places at the same time
    masks = [np.abs(x.astype(np.float32) - med).max(axis=3) > 40 for x, med in ((a, med_a), (b, med_b))]
    cover = [m.mean(axis=(1, 2)) for m in masks]
    assert all(c.max() > 0.01 and c.min() < 0.2 * c.max() for c in cover)
    both, either = (masks[0] & masks[1]).sum(), (masks[0] | masks[1]).sum()
    assert both < 0.2 * either


def test_walkers_enter_walk_and_leave():
    ws = passers_by(15 * 12, 15.0, np.random.default_rng(0))
    assert len(ws) >= 3 and all(0.12 <= w["speed"] <= 0.35 for w in ws)
    w = dict(ws[0], stop_at=None)
    assert _position(w, w["start"] - 1, 15.0) is None  # not there yet
    xs = [x for x in (_position(w, k, 15.0) for k in range(w["start"], w["start"] + 200)) if x is not None]
    assert 10 < len(xs) < 200  # it enters, crosses and leaves
    assert np.all(np.diff(xs) > 0) or np.all(np.diff(xs) < 0)  # one way across
    stopper = dict(ws[0], stop_at=0.5, stop_s=1.0)
    k_stop = stopper["start"] + int(15.0 * 0.6 / stopper["speed"]) + 2  # at the stop, inside its second
    assert _position(stopper, k_stop, 15.0) == _position(stopper, k_stop + 5, 15.0)


def test_build_copies_the_scene_and_marks_its_other_moments_hard_negatives(tmp_path, monkeypatch):
    tiny = build.Scale(
        clips=(),
        photos=(),
        distractor_photos=(),
        copies=(("reencode",), ("crop",), ("partial_insert",)),
        hard_negatives=(),
        fixed_scenes=(("camera", "text"),),
        frozen_shots=(("text", "horse"),),
        journey_s=3.0,
    )
    monkeypatch.setitem(build.SCALES, "tiny", tiny)
    truth = build.build_corpus(str(tmp_path), "tiny", seed=0)
    assert json.loads((tmp_path / "truth.json").read_text(encoding="utf-8")) == truth
    group = truth["groups"]["camera_fixed"]
    assert sorted(group) == ["camera_fixed copy ünï 'q' \"crop\".mp4", "camera_fixed.mp4", "camera_fixed__reencode.mp4"]
    assert truth["videos"]["camera_fixed__partial_insert.mp4"]["role"] == "partial"
    moments = ["camera_fixed_moment2.mp4", "camera_fixed_moment3.mp4"]
    assert all(truth["videos"][m]["role"] == "hard_negative" for m in moments)
    expected = [[g, moments[0]] for g in group] + [[g, moments[1]] for g in group + [moments[0]]]
    assert truth["hard_negative_pairs"] == expected
    assert all((tmp_path / f).stat().st_size > 0 for f in truth["videos"])
    assert sorted(truth["groups"]["text_still"])[-1] == "text_still__reencode.mp4"  # copied like the others
    assert not any("text_still" in a + b for a, b in truth["hard_negative_pairs"])  # a frozen shot has none


def test_a_frozen_shot_holds_one_view_and_photos_of_any_type_load():
    f = render_frozen_shot(photo("text"), 12)
    assert f.shape == (12, 144, 192, 3) and all(np.array_equal(f[0], x) for x in f) and f.std() > 10
    horse = photo("horse")  # a boolean silhouette: spread over 0–255, not 0/1
    assert horse.dtype == np.uint8 and horse.shape[2] == 3 and set(np.unique(horse)) == {0, 255}
