"""The activity time course: how much the picture changes, and when (vidfp.fingerprints.activity)."""

import numpy as np
import pytest

from vidfp.fingerprints.activity import ActivityTimeCourse, pearson, region_change


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _still_camera(rng, bursts, n=40, r=9, d=32, noise=0.01):
    """Region vectors [n, R, D] of a still scene whose regions change during ``bursts`` (frame ranges)."""
    scene = rng.normal(size=(r, d))
    out = np.repeat(scene[None], n, 0) + rng.normal(0, noise, (n, r, d))
    for s, e in bursts:
        for k in range(s, e):  # a passer-by: a few regions change a lot, one step at a time
            out[k, k % r] += rng.normal(0, 1.5, d)
    return _unit(out)


def test_region_change_matches_a_per_region_loop(rng):
    u, v = _unit(rng.normal(size=(5, 4, 8))), _unit(rng.normal(size=(5, 4, 8)))
    ref = [1 - np.mean([float(u[k, j] @ v[k, j]) for j in range(4)]) for k in range(5)]
    assert np.allclose(region_change(u, v), ref)


def test_pearson_is_offset_and_scale_free_and_zero_for_a_constant():
    a = np.array([0.1, 0.5, 0.2, 0.9, 0.3])
    assert pearson(a, 3 * a + 7) == pytest.approx(1.0)
    assert pearson(a, -a) == pytest.approx(-1.0)
    assert pearson(a, np.full(5, 0.4)) == 0.0


def test_a_copy_agrees_and_another_moment_of_the_same_place_does_not(rng):
    t = np.arange(40) * 0.5  # 2 samples/s
    path = np.arange(40)
    act = ActivityTimeCourse(lags_s=(0.5, 1.0))
    first = _still_camera(np.random.default_rng(1), [(3, 9), (20, 24), (31, 37)])
    copy = _unit(first + rng.normal(0, 0.02, first.shape))  # a re-encode: the same changes, a little noise
    later = _still_camera(np.random.default_rng(1), [(10, 16), (26, 29)])  # same scene, other passers-by
    s_copy, w_copy = act.compare_aligned(first, copy, t, path, path)
    s_later, w_later = act.compare_aligned(first, later, t, path, path)
    assert w_copy > 0.9 and w_later > 0.9  # both series rise and fall: the signal speaks
    assert s_copy > 0.9 and s_later < 0.3


def test_a_level_series_abstains(rng):
    """An even pan changes the picture by the same amount every step: no time course to agree on."""
    t = np.arange(30) * 0.5
    path = np.arange(30)
    base = _unit(rng.normal(size=(9, 16)))
    steps = [_unit(base + 0.3 * k * rng.normal(size=(9, 16)) / (1 + 0.3 * k)) for k in range(30)]
    a = np.stack(steps)
    act = ActivityTimeCourse(lags_s=(0.5,), cv_lo=0.2, cv_hi=0.4)
    series_a, _ = act.series(a, a, t, path, path)
    level = series_a.std() / series_a.mean()
    score, w = act.compare_aligned(a, a, t, path, path)
    assert level < 0.2 and w == 0.0 and score == 0.0


def test_confidence_ramps_with_the_variation_and_the_number_of_steps():
    act = ActivityTimeCourse(cv_lo=0.2, cv_hi=0.4, min_steps=8)
    wavy = np.array([1.0, 1.3, 0.7, 1.3, 0.7, 1.3, 0.7, 1.0])  # cv = 0.27
    assert act.confidence(wavy, wavy) == pytest.approx((wavy.std() / wavy.mean() - 0.2) / 0.2)
    bursty = np.array([0.1, 1.0, 0.1, 1.0, 0.1, 1.0, 0.1, 1.0])
    assert act.confidence(bursty, bursty) == 1.0
    assert act.confidence(bursty[:4], bursty[:4]) == pytest.approx(0.5)  # 4 of 8 steps
    assert act.confidence(bursty, wavy) == act.confidence(wavy, wavy)  # the less varied series decides
    with pytest.raises(ValueError):
        ActivityTimeCourse(cv_lo=0.5, cv_hi=0.5)


def test_a_frozen_shot_abstains_though_its_noise_varies(rng):
    """A still image held for the whole clip: its activity is codec noise around a mean near 0, whose
    coefficient of variation is large.  Without the level floor it would count fully (and its ρ ≈ 0
    would veto the copy); with it, it abstains."""
    t = np.arange(40) * 0.5
    path = np.arange(40)
    still = _unit(np.repeat(rng.normal(size=(1, 9, 32)), 40, 0) + rng.normal(0, 0.002, (40, 9, 32)))
    still[::8] = _unit(still[::8] + rng.normal(0, 0.03, (5, 9, 32)))  # a keyframe's small jump now and then
    copy = _unit(still + rng.normal(0, 0.002, still.shape))
    a, b = ActivityTimeCourse(lags_s=(0.5, 1.0)).series(still, copy, t, path, path)
    assert max(a.mean(), b.mean()) < 0.005 and min(a.std() / a.mean(), b.std() / b.mean()) > 0.4
    assert ActivityTimeCourse(lags_s=(0.5, 1.0)).compare_aligned(still, copy, t, path, path) == (0.0, 0.0)
    no_floor = ActivityTimeCourse(lags_s=(0.5, 1.0), level_lo=0.0, level_hi=1e-6)
    assert no_floor.compare_aligned(still, copy, t, path, path)[1] > 0.9
    with pytest.raises(ValueError):
        ActivityTimeCourse(level_lo=0.02, level_hi=0.01)
