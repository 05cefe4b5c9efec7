import numpy as np
import pytest

from vidfp.fingerprints import (
    DTWTrajectoryMatcher,
    MultiScaleDerivativeFingerprint,
    TemporalDerivativeFingerprint,
    TrajectoryFingerprint,
    dtw_distance,
    dtw_distance_reference,
)
from vidfp.fingerprints.motion import RegionFlowMotion, region_flow
from vidfp.fingerprints.synthetic import PATTERNS, similarity_matrix


@pytest.mark.parametrize("n,m,band", [(20, 20, None), (20, 20, 3), (15, 22, 4), (30, 17, 2), (9, 9, 1)])
def test_dtw_matches_loop_and_dtaidistance(n, m, band, rng):
    from dtaidistance import dtw_ndim

    x, y = rng.normal(size=(n, 2)), rng.normal(size=(m, 2))
    d = dtw_distance(x, y, band=band)
    assert d == pytest.approx(dtw_distance_reference(x, y, band=band), abs=1e-6)
    ref = dtw_ndim.distance(x, y, window=band, use_c=False) if band else dtw_ndim.distance(x, y)
    assert d == pytest.approx(ref, abs=1e-6)


def test_dtw_cosine_matches_loop(rng):
    x, y = rng.normal(size=(12, 5)), rng.normal(size=(9, 5))
    assert dtw_distance(x, y, metric="cosine") == pytest.approx(dtw_distance_reference(x, y, metric="cosine"))


def test_temporal_derivatives():
    e = np.cumsum(np.ones((10, 3)), axis=0)
    fp = TemporalDerivativeFingerprint(1, 2)
    d = fp.compute_derivatives(e)
    assert d.shape == (8, 3) and np.allclose(d, 2.0)
    assert np.allclose(TemporalDerivativeFingerprint(2, 1).compute_derivatives(e), 0.0)
    f = fp.compute_fingerprint(e)
    assert np.allclose(f.magnitude, 2 * np.sqrt(3)) and np.allclose(np.linalg.norm(f.direction, axis=1), 1)
    assert fp.compare(f, f) == pytest.approx(1.0)
    g = fp.compute_fingerprint(e[::-1])  # reversed in time: directions flip
    assert fp.compare(f, g) < 0.1


def test_multiscale_is_rate_invariant(rng):
    t = np.arange(0, 20, 0.25)
    e = np.stack([np.sin(t), np.cos(0.5 * t), t / 20], 1)
    ms4 = MultiScaleDerivativeFingerprint((1, 5), fps=4.0)
    ms1 = MultiScaleDerivativeFingerprint((1, 5), fps=1.0)
    assert ms4.lags() == [4, 20] and ms1.lags() == [1, 5]
    f4, f1 = ms4.compute_fingerprint(e), ms1.compute_fingerprint(e[::4])
    np.testing.assert_allclose(f4[5.0].direction[::4][: len(f1[5.0].direction)], f1[5.0].direction, atol=1e-6)


def test_trajectory_kinematics():
    t = np.linspace(0, 2 * np.pi, 200)
    c = 0.5 + 0.3 * np.stack([np.cos(t), np.sin(t)], 1)
    fp = TrajectoryFingerprint(smooth_s=0.01).compute_fingerprint(c, t)
    assert np.median(np.linalg.norm(fp.velocity, axis=1)) == pytest.approx(0.3, rel=0.02)
    assert np.median(fp.curvature[10:-10]) == pytest.approx(1 / 0.3, rel=0.05)  # circle of radius 0.3


def test_trajectory_mirror_matches_but_reverse_does_not():
    t = np.arange(0, 10, 0.25)
    c = np.stack([0.2 + 0.06 * t, 0.3 + 0.004 * t**2], 1)  # accelerating: not its own mirror-reverse
    tf = TrajectoryFingerprint()
    a = tf.compute_fingerprint(c, t)
    mirrored = tf.compute_fingerprint(np.stack([1 - c[:, 0], c[:, 1]], 1), t)
    reverse = tf.compute_fingerprint(c[::-1], t)
    idx = np.arange(len(t))
    s_m, _, was_mirrored = tf.compare_aligned(a, mirrored, idx, idx)
    s_r, _, _ = tf.compare_aligned(a, reverse, idx, idx)
    # mirror tolerance costs something: x motion cannot tell reverse from mirror, only y can
    assert s_m > 0.9 and was_mirrored and s_m - s_r > 0.4


def test_synthetic_patterns_separate_and_match():
    names, m = similarity_matrix(seed=0)
    n = len(PATTERNS)
    base, variants = m[:n, :n], m[:n, n:]
    for i in range(n):
        off = [base[i, j] for j in range(n) if j != i and names[j] != "stationary"]
        if names[i] == "stationary":
            continue
        # the noisy / warped / mirrored variant of a pattern beats every other pattern
        rivals = off + [variants[i, j] for j in range(n) if j != i]
        assert variants[i, i] > max(rivals) + 0.2, names[i]


def test_dtw_matcher_mirror():
    t = np.linspace(0, 1, 40)
    a = np.stack([0.2 + 0.6 * t, 0.5 + 0.2 * np.sin(6 * t)], 1)
    m = DTWTrajectoryMatcher(mirror=True)
    assert m.compare(a, np.stack([1 - a[:, 0], a[:, 1]], 1)) > 0.99
    assert DTWTrajectoryMatcher(mirror=False).compare(a, np.stack([1 - a[:, 0], a[:, 1]], 1)) < 0.5


def test_region_flow_recovers_shift(rng):
    g = 6
    pos = np.stack(np.meshgrid((np.arange(g) + 0.5) / g, (np.arange(g) + 0.5) / g, indexing="xy"), -1).reshape(-1, 2)
    feats = rng.normal(size=(g, g + 2, 16))
    feats /= np.linalg.norm(feats, axis=-1, keepdims=True)
    u = feats[:, 1 : 1 + g].reshape(1, -1, 16)  # window at column offset 1
    v = feats[:, 2 : 2 + g].reshape(1, -1, 16)  # camera moved right one column: content moves left
    d = region_flow(u, v, pos, temp=0.01)[0]
    # content moves one column left; the column leaving the frame has no true match and dilutes the mean
    assert -1.2 / g < d[0] < -0.6 / g and abs(d[1]) < 0.02
    motion = RegionFlowMotion(pos, lags_s=(1.0,))
    seq = np.stack([feats[:, k : k + g].reshape(-1, 16) for k in range(3)] * 2)[:3]
    t = np.arange(3, dtype=float)
    assert motion.compare_aligned(seq, seq, t, np.arange(3), np.arange(3))[0] > 0.99
