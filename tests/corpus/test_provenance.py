"""Family B's provenance arithmetic on hand-made clips (exact expectations)."""

import numpy as np
import pytest

from vidfp.corpus.clip import (
    Origin,
    concat,
    coverage,
    filler,
    from_frames,
    runs,
    shared_seconds,
)
from vidfp.corpus.family_b import _pair_groups
from vidfp.corpus.transforms_b import fps_change, speed, subclip, vfr
from vidfp.corpus.truth_b import build_truth, segment_boxes


def _clip(n=20, fps=10.0, origin="J:a"):
    return from_frames(np.zeros((n, 4, 6, 3), np.uint8), fps, origin)


def test_runs_of_a_plain_clip_cover_it_exactly():
    assert runs(_clip()) == [("J:a", 0.0, 2.0, 0.0, 2.0)]


def test_speed_maps_origin_time_at_the_factor():
    ((o, os_, oe, ts, te),) = runs(speed(_clip(), None, factor=1.25))
    assert (o, os_, ts) == ("J:a", 0.0, 0.0)
    assert te == pytest.approx(16 / 10)  # 16 frames at 10 fps
    # frame j shows origin frame ⌊1.25 j⌋: the last (j = 15) shows 1.8 s; the run's rate is 1.8 / 1.5 = 1.2,
    # so the end is 1.8 + 1.2 · 0.1
    assert oe == pytest.approx(1.92)


def test_subclip_and_fps_change_keep_origin_time():
    rng = np.random.default_rng(0)
    sub = subclip(_clip(), rng)
    ((_, os_, oe, ts, te),) = runs(sub)
    assert ts == 0.0 and te == pytest.approx(1.2) and oe - os_ == pytest.approx(1.2)
    slow = fps_change(_clip(n=30, fps=25.0), np.random.default_rng(3))
    ((_, os_, oe, ts, te),) = runs(slow)
    assert os_ == 0.0 and oe == pytest.approx(1.2, abs=0.05) and te == pytest.approx(1.2, abs=0.05)


def test_vfr_drops_frames_but_stays_one_run():
    v = vfr(_clip(n=60), np.random.default_rng(1))
    assert v.vfr and len(v.t) < 60 and np.all(np.diff(v.t) > 0)
    ((_, os_, oe, ts, te),) = runs(v)
    assert os_ == ts == 0.0 and oe == pytest.approx(6.0, abs=0.15) and te == pytest.approx(6.0, abs=0.15)


def test_concat_with_filler_gives_one_run_per_piece():
    c = concat(
        [
            filler(np.zeros((5, 4, 6, 3), np.uint8), 10.0),
            _clip(10, origin="J:a"),
            filler(np.zeros((5, 4, 6, 3), np.uint8), 10.0),
            _clip(10, origin="J:b"),
        ],
        10.0,
    )
    assert runs(c) == [("J:a", 0.0, 1.0, 0.5, 1.5), ("J:b", 0.0, 1.0, 2.0, 3.0)]
    cov = coverage(runs(c))
    assert cov == {"J:a": [(0.0, 1.0)], "J:b": [(0.0, 1.0)]}
    assert shared_seconds(cov, {"J:a": [(0.5, 3.0)]}) == pytest.approx(0.5)
    assert shared_seconds(cov, {"J:c": [(0.0, 3.0)]}) == 0.0


def test_segment_boxes_map_member_runs_to_original_time():
    orig = [("F:x", 6.0, 16.0, 0.0, 10.0)]  # a window of footage starting at its second 6
    member = [("F:x", 8.0, 9.5, 2.0, 3.5)]
    assert segment_boxes(orig, member) == [{"a_start_s": 2.0, "a_end_s": 3.5, "b_start_s": 2.0, "b_end_s": 3.5}]
    assert segment_boxes(orig, [("F:y", 8.0, 9.5, 2.0, 3.5)]) == []


def test_truth_refuses_a_group_that_shares_no_content():
    prov = {"a.mp4": [("J:a", 0.0, 5.0, 0.0, 5.0)], "b.mp4": [("J:b", 0.0, 5.0, 0.0, 5.0)]}
    origins = {"J:a": Origin("journey", "p", "p.x"), "J:b": Origin("journey", "p", "p.y")}
    videos = {f: {"group": "g", "role": "copy"} for f in prov}
    with pytest.raises(ValueError, match="share no content"):
        build_truth(videos, prov, {"g": ["a.mp4", "b.mp4"]}, {"g": "a.mp4"}, origins, {})
    t = build_truth(videos, prov, {"ga": ["a.mp4"], "gb": ["b.mp4"]}, {"ga": "a.mp4", "gb": "b.mp4"}, origins, {})
    assert t["hard_negative_pairs"] == [["a.mp4", "b.mp4"]] and t["hard_negative_kinds"] == ["same_place_other_path"]


def test_compilation_pairs_avoid_related_groups():
    names = ["a", "b", "c", "s1", "s2", "d"]
    related = {frozenset(("s1", "s2"))}
    pairs = _pair_groups(names, lambda x, y: frozenset((x, y)) in related)
    assert len(pairs) == 3 and all(frozenset(p) not in related for p in pairs)
    assert sorted(g for p in pairs for g in p) == sorted(names)
