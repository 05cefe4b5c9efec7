"""The activity signal in the fusion: it confirms a copy only where the camera is still, else it only vetoes."""

import numpy as np
import pytest

from vidfp.config import ScoringConfig
from vidfp.records import FrameRecord
from vidfp.similarity.calibration import Calibration
from vidfp.similarity.fusion import VetoFusion, blend_nonsemantic
from vidfp.similarity.scoring import PairScorer


def test_a_part_that_may_not_confirm_only_lowers_the_blend():
    others = [(0.3, 1.0)]
    # agreeing (0.9 > 0.3): with γ = 0 it changes nothing, with γ = 1 it counts fully, γ = ½ halfway
    full = blend_nonsemantic(0.8, others + [(0.9, 1.0)])
    assert full == pytest.approx(0.6)
    assert blend_nonsemantic(0.8, others + [(0.9, 1.0, 0.0)]) == pytest.approx(0.3)
    assert blend_nonsemantic(0.8, others + [(0.9, 1.0, 1.0)]) == pytest.approx(full)
    assert blend_nonsemantic(0.8, others + [(0.9, 1.0, 0.5)]) == pytest.approx(0.45)
    # disagreeing (0.1 < 0.3): it lowers the blend whatever γ
    for g in (0.0, 0.5, 1.0):
        assert blend_nonsemantic(0.8, others + [(0.1, 1.0, g)]) == pytest.approx(0.2)
    # alone and unable to confirm, an agreeing part leaves the semantic score standing
    assert blend_nonsemantic(0.7, [(1.0, 2.0, 0.0)]) == pytest.approx(0.7)
    assert VetoFusion(0.6, 0.4).fuse(0.7, [(1.0, 2.0, 0.0)])[1] == pytest.approx(0.7)


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _still(vid, regions, pan_speed=0.0, axis=0, peak=0.9):
    """A record whose camera track pans at ``pan_speed`` along ``axis`` (0: a still camera), with
    phase-correlation peaks ``peak`` (confident: 0.9; subjects moving under a still camera: 0.2)."""
    n = len(regions)
    cam = np.zeros((n, 3), np.float32)
    cam[:, axis], cam[:, 2] = pan_speed, peak
    g = _unit(regions.mean(axis=1))
    return FrameRecord(vid, np.arange(n) * 0.5, np.arange(n)).with_features(
        g.astype(np.float32), regions.astype(np.float32), np.full((n, 2), 0.5, np.float32), cam
    )


def _scene(seed, bursts, n=40, r=9, d=32):
    rng = np.random.default_rng(seed)
    scene = np.random.default_rng(0).normal(size=(r, d))  # the same place in every recording
    out = np.repeat(scene[None], n, 0) + rng.normal(0, 0.01, (n, r, d))
    for s, e in bursts:
        for k in range(s, e):
            out[k, k % r] += rng.normal(0, 1.0, d)
    return _unit(out)


def test_a_still_cameras_other_moment_is_vetoed_and_its_copy_is_not():
    first = _scene(1, [(3, 9), (20, 24), (31, 37)])
    copy = _unit(first + np.random.default_rng(5).normal(0, 0.02, first.shape))
    later = _scene(2, [(10, 16), (26, 29)])
    sc = PairScorer(ScoringConfig(), positions=np.zeros((9, 2), np.float32), calibration=Calibration(0.3, 0.1))
    r_copy = sc.score(_still("a", first), _still("b", copy))
    r_later = sc.score(_still("a", first), _still("c", later))
    assert r_copy.semantic > 0.9 and r_later.semantic > 0.9  # appearance cannot tell them apart
    assert r_copy.activity > 0.9 and r_later.activity < 0.3
    assert r_copy.is_duplicate and not r_later.is_duplicate
    # without the activity signal the other moment would be linked
    off = PairScorer(
        ScoringConfig(w_activity=0.0), positions=np.zeros((9, 2), np.float32), calibration=Calibration(0.3, 0.1)
    )
    assert off.score(_still("a", first), _still("c", later)).is_duplicate


def test_with_a_moving_camera_agreeing_activity_does_not_lift_the_score():
    """The same bursts under cameras that pan across each other (camera agreement 0): activity agrees,
    but with the cameras moving it may not confirm, so it cannot lift what the camera vetoes."""
    first = _scene(1, [(3, 9), (20, 24), (31, 37)])
    copy = _unit(first + np.random.default_rng(5).normal(0, 0.02, first.shape))
    kw = dict(positions=np.zeros((9, 2), np.float32), calibration=Calibration(0.3, 0.1))
    on, off = PairScorer(ScoringConfig(), **kw), PairScorer(ScoringConfig(w_activity=0.0), **kw)
    a, b = _still("a", first, pan_speed=0.2), _still("b", copy, pan_speed=0.2, axis=1)
    r_on, r_off = on.score(a, b), off.score(a, b)
    assert r_on.activity > 0.9 and r_off.camera < 0.1 and r_off.nonsemantic < 0.5
    assert r_on.nonsemantic == pytest.approx(r_off.nonsemantic) and r_on.similarity == pytest.approx(r_off.similarity)
    # the same pair from still cameras: the agreeing activity confirms and lifts the blend
    r_still = on.score(_still("a", first), _still("b", copy))
    assert r_still.nonsemantic > r_off.nonsemantic + 0.2


def test_a_copy_needs_both_cameras_still_for_activity_to_confirm():
    """One camera still, the other panning: not "the camera is still", so agreeing activity may not lift."""
    first = _scene(1, [(3, 9), (20, 24), (31, 37)])
    copy = _unit(first + np.random.default_rng(5).normal(0, 0.02, first.shape))
    kw = dict(positions=np.zeros((9, 2), np.float32), calibration=Calibration(0.3, 0.1))
    on, off = PairScorer(ScoringConfig(), **kw), PairScorer(ScoringConfig(w_activity=0.0), **kw)
    a, b = _still("a", first), _still("b", copy, pan_speed=0.2)
    r_on, r_off = on.score(a, b), off.score(a, b)
    assert r_on.activity > 0.9
    assert r_on.nonsemantic == pytest.approx(r_off.nonsemantic)


def test_busy_subjects_under_a_still_camera_let_activity_confirm():
    """Subjects moving under a still camera: its "velocity" is above the floor, but with low peaks
    (the real bikes clip).  That is a still camera, so a copy's activity part may confirm (γ = 1);
    the same velocities with confident peaks are a moving camera, where it may only veto (γ = 0)."""

    class Keep(VetoFusion):
        def fuse(self, semantic, parts):
            self.parts = list(parts)
            return super().fuse(semantic, parts)

    first = _scene(1, [(3, 9), (20, 24), (31, 37)])
    copy = _unit(first + np.random.default_rng(5).normal(0, 0.02, first.shape))
    keep = Keep(0.3, 0.4)
    sc = PairScorer(
        ScoringConfig(), fusion=keep, positions=np.zeros((9, 2), np.float32), calibration=Calibration(0.3, 0.1)
    )
    r = sc.score(_still("a", first, pan_speed=0.2, peak=0.2), _still("b", copy, pan_speed=0.2, peak=0.2))
    assert r.activity > 0.9 and keep.parts[4][2] == pytest.approx(1.0)
    sc.score(_still("a", first, pan_speed=0.2, peak=0.9), _still("b", copy, pan_speed=0.2, peak=0.9))
    assert keep.parts[4][2] == pytest.approx(0.0)


def test_every_signal_has_its_slot_in_the_order_the_ablation_drops_them():
    from vidfp.eval.ablation import SIGNALS
    from vidfp.similarity.fusion import Fusion

    class Keep(VetoFusion):
        def fuse(self, semantic, parts):
            self.parts = list(parts)
            return super().fuse(semantic, parts)

    first = _scene(1, [(3, 9), (20, 24), (31, 37)])
    keep = Keep(0.6, 0.4)
    assert isinstance(keep, Fusion)
    # without region positions (no region flow) the slots stay where the ablation looks for them
    sc = PairScorer(ScoringConfig(), fusion=keep, calibration=Calibration(0.3, 0.1))
    r = sc.score(_still("a", first), _still("b", first))
    assert SIGNALS == ("deriv", "traj", "motion", "camera", "activity") and len(keep.parts) == len(SIGNALS)
    assert keep.parts[2][1] == 0.0  # motion: not measured, weight 0
    assert keep.parts[4][0] == pytest.approx(r.activity) and len(keep.parts[4]) == 3
