"""Camera tracks compared along a path: confidence, stretches, cuts and the reliability correction."""

import numpy as np
import pytest

from vidfp.fingerprints.camera_compare import camera_moving, compare_camera


def test_low_confidence_steps_do_not_vote():
    """A still camera with moving subjects: estimates above the speed floor but with low peaks
    (as the real bikes/carphone clips give) abstain; the same velocities with pan-like peaks vote."""
    rng = np.random.default_rng(0)
    n = 20
    va, vb = rng.normal(0, 0.15, (n, 2)), rng.normal(0, 0.15, (n, 2))  # unrelated noise, ≈ 0.15 frames/s
    path = np.arange(n)

    def track(v, peak):
        return np.c_[v, np.full(n, peak)].astype(np.float32)

    _, w_noise = compare_camera(track(va, 0.22), track(vb, 0.22), path, path)
    _, w_pan = compare_camera(track(va, 0.6), track(vb, 0.6), path, path)
    _, w_old = compare_camera(track(va, 0.22), track(vb, 0.22), path, path, min_peak=0.05)
    assert w_noise == 0.0 and w_pan > 0.9 and w_old > 0.9


def test_a_still_camera_with_busy_subjects_reads_as_still():
    """Subjects crossing a fixed shot give "velocities" above the speed floor but low peaks (the real
    bikes clip: median 0.24); one translation explains few steps, so the camera counts as mostly still.
    The same velocities with pan-like peaks read as moving, and without ``min_peak`` the speed alone
    decides (the old reading, which took the subjects' motion for the camera's)."""
    rng = np.random.default_rng(1)
    n = 20
    v = rng.normal(0, 0.15, (n, 2))  # ≈ 0.19 frames/s median, three times the 0.06 floor
    path = np.arange(n)

    def track(peaks):
        return np.c_[v, peaks].astype(np.float32)

    busy = track(np.where(np.arange(n) % 4 == 0, 0.5, 0.2))  # a quarter of the steps above 0.3
    pan = track(np.full(n, 0.6))
    still = np.zeros((n, 3), np.float32)
    assert camera_moving(busy, busy, path, path, 0.06, 0.3) == pytest.approx(0.25)
    assert camera_moving(pan, pan, path, path, 0.06, 0.3) == pytest.approx(1.0)
    assert camera_moving(busy, pan, path, path, 0.06, 0.3) == pytest.approx(1.0)  # either moving is moving
    assert camera_moving(busy, busy, path, path, 0.06) == pytest.approx(1.0)
    assert camera_moving(still, still, path, path, 0.06, 0.3) == 0.0


def _shaky(rng, dur=12.0, fps=15.0):
    """A hand-held camera's position [n, 2] (frame sizes) at ``fps``: a slow drift plus shake of 1.5–5 Hz."""
    from scipy.ndimage import gaussian_filter1d

    t = np.arange(int(dur * fps)) / fps
    x = gaussian_filter1d(np.cumsum(rng.normal(0, 1, (len(t), 2)), axis=0), fps, axis=0) * 0.02
    for _ in range(3):
        x += rng.uniform(0.01, 0.03, 2) * np.sin(2 * np.pi * rng.uniform(1.5, 5, 2) * t[:, None] + rng.uniform(0, 6, 2))
    return t, x


def _sampled(t, x, at):
    """Camera track [len(at), 3] of a video whose content time at each sample is ``at``: velocities between
    samples (per second of that video's own clock, 2 frames/s) and confident peaks."""
    pos = np.stack([np.interp(at, t, x[:, k]) for k in range(2)], 1)
    cam = np.zeros((len(at), 3), np.float32)
    cam[1:, :2] = np.diff(pos, axis=0) / 0.5
    cam[0, :2], cam[:, 2] = cam[1, :2], 0.8
    return cam


def test_a_shaky_copy_at_another_speed_agrees_over_stretches_not_steps():
    """Sampled at 2 frames/s, a hand-held shake puts a 1.5× copy's steps on other moments than its source's:
    step by step the tracks barely agree, while the camera's way over 1–2 s does.  Another take (its own
    shake) agrees neither way."""
    from vidfp.fingerprints.camera_compare import compare_camera_lagged

    ta = np.arange(0, 11.5, 0.5)  # the source's samples (content time = its own)
    tb = np.arange(0, 11.5 / 1.5, 0.5)  # the copy's, 1.5× faster: content time 1.5 t
    pi = np.arange(len(ta))
    pj = np.minimum(np.round(ta / 1.5 / 0.5).astype(int), len(tb) - 1)  # the copy's sample at the same content
    steps, lags, takes = [], [], []
    for seed in range(5):  # five cameras, each with a 1.5× copy and another take
        t, x = _shaky(np.random.default_rng(seed))
        _, other = _shaky(np.random.default_rng(seed + 10))
        src, copy, take = _sampled(t, x, ta), _sampled(t, x, 1.5 * tb), _sampled(t, other, ta)
        steps.append(compare_camera(src, copy, pi, pj)[0])
        lagged, w = compare_camera_lagged(src, copy, ta, tb, pi, pj, (1.0, 2.0))
        lags.append(lagged)
        takes.append(compare_camera_lagged(src, take, ta, ta, pi, pi, (1.0, 2.0))[0])
        assert w > 0.9
    # measured: copies 0.55 step by step, 0.81 over stretches; other takes 0.08
    assert np.mean(lags) > 0.7 and np.mean(lags) > np.mean(steps) + 0.15 and min(lags) > min(steps)
    assert np.mean(takes) < 0.3
    # the same video compared with itself agrees both ways
    assert compare_camera_lagged(src, src, ta, ta, pi, pi, (1.0, 2.0))[0] > 0.999
    # a path shorter than every lag is compared step by step
    short = np.arange(3)
    assert compare_camera_lagged(src, copy, ta, tb, short, short, (5.0,)) == compare_camera(src, copy, short, short)


def test_a_stop_and_go_walks_moves_are_not_cuts():
    """A camera that stands most of the time has a median speed ≈ 0: 4 × median + 0.05 alone would throw
    out every moving step as a cut.  With max(median, mean) its moves count, and a lone jump still does not."""
    from vidfp.fingerprints.camera_compare import _not_a_cut

    stopgo = np.r_[np.zeros(14), np.full(6, 0.35)]  # frame sizes / s: 6 moving steps of 20
    assert _not_a_cut(stopgo).all()  # 4 × median + 0.05 alone (0.05) threw out all six moving steps
    pan_with_cut = np.r_[np.full(19, 0.12), 1.5]
    keep = _not_a_cut(pan_with_cut)
    assert keep[:19].all() and not keep[19]


def test_camera_stretches_must_be_positive_seconds():
    from vidfp.config import IngestConfig, ScoringConfig
    from vidfp.preflight import ConfigError

    for bad in ((0.0,), (2.0, -1.0)):
        with pytest.raises(ConfigError, match="camera_lags_s"):
            IngestConfig(scoring=ScoringConfig(camera_lags_s=bad))
    IngestConfig(scoring=ScoringConfig(camera_lags_s=()))  # step by step
    for bad in (0.0, -0.5, 1.5):
        with pytest.raises(ConfigError, match="camera_reliability_floor"):
            IngestConfig(scoring=ScoringConfig(camera_reliability_floor=bad))
    assert ScoringConfig().camera_reliability_floor is None  # uncorrected by default (held-out D: README)
    IngestConfig(scoring=ScoringConfig(camera_reliability_floor=0.5))


def _reliability_reference(x: np.ndarray, t: np.ndarray, lag_s: float) -> float:
    """track_reliability term by term: stretches of m samples, each against the one a sample later."""
    step = float(np.median(np.diff(t)))
    m = max(1, int(round(lag_s / step)))
    pairs = [(x[k + m] - x[k], x[k + 1 + m] - x[k + 1]) for k in range(len(x) - m - 1)]
    if len(pairs) < 3:
        return 1.0
    num = sum(float(a @ b) for a, b in pairs)
    den = (sum(float(a @ a) for a, _ in pairs) * sum(float(b @ b) for _, b in pairs)) ** 0.5
    return min(1.0, max(0.0, num / den)) if den > 1e-12 else 1.0


def test_track_reliability_against_a_plain_loop_and_at_its_extremes():
    """Seeded tracks at uneven sampling times agree with the loop; a smooth pan is reliable, a shake faster
    than the sampling is not, and a track too short or without motion needs no correction."""
    from vidfp.fingerprints.camera_compare import track_reliability

    rng = np.random.default_rng(3)
    for n, lag in ((30, 2.0), (17, 1.0), (40, 3.0)):
        t = np.cumsum(rng.uniform(0.3, 0.7, n))  # variable frame rate, median step ≈ 0.5 s
        x = np.cumsum(rng.normal(0, 1, (n, 2)), axis=0) + rng.normal(0, 2, (n, 2))
        assert abs(track_reliability(x, t, lag) - _reliability_reference(x, t, lag)) < 1e-12
    t = np.arange(24) * 0.5
    pan = np.stack([0.05 * t, 0.01 * t], 1)
    assert track_reliability(pan, t, 2.0) > 0.999
    jitter = rng.normal(0, 0.02, (24, 2))  # every sample at another moment of the shake
    assert track_reliability(jitter, t, 2.0) < 0.3
    assert track_reliability(pan[:5], t[:5], 2.0) == 1.0  # one stretch pair: nothing to measure
    assert track_reliability(np.zeros((24, 2)), t, 2.0) == 1.0


def test_a_shaky_copys_stretch_agreement_is_corrected_for_its_reliability_and_another_takes_is_not_lifted():
    """Spearman's correction: a hand-held 1.5× copy, whose stretches still carry shake at other moments,
    agrees more once divided by √(r_a·r_b), by at most 1 / floor, never above 1; another take's
    independent motion stays low; ``reliability_floor`` None is the uncorrected agreement exactly."""
    from vidfp.fingerprints.camera_compare import compare_camera_lagged

    ta, tb = np.arange(0, 11.5, 0.5), np.arange(0, 11.5 / 1.5, 0.5)
    pi = np.arange(len(ta))
    pj = np.minimum(np.round(ta / 1.5 / 0.5).astype(int), len(tb) - 1)
    raw, fixed, takes = [], [], []
    for seed in range(5):
        t, x = _shaky(np.random.default_rng(seed))
        _, other = _shaky(np.random.default_rng(seed + 10))
        src, copy, take = _sampled(t, x, ta), _sampled(t, x, 1.5 * tb), _sampled(t, other, ta)
        r = compare_camera_lagged(src, copy, ta, tb, pi, pj, (2.0,))
        c = compare_camera_lagged(src, copy, ta, tb, pi, pj, (2.0,), reliability_floor=0.5)
        assert c[1] == r[1]  # whether the signal votes is unchanged
        assert r[0] <= c[0] <= min(1.0, r[0] / 0.5 + 1e-12)
        assert compare_camera_lagged(src, copy, ta, tb, pi, pj, (2.0,), reliability_floor=None) == r
        raw.append(r[0])
        fixed.append(c[0])
        takes.append(compare_camera_lagged(src, take, ta, ta, pi, pi, (2.0,), reliability_floor=0.5)[0])
    # measured: copies 0.85 → 0.98 on average, other takes 0.12
    assert np.mean(fixed) > np.mean(raw) + 0.08 and np.mean(fixed) > 0.95
    assert np.mean(takes) < 0.3
    # a floor of 1 never divides: the uncorrected agreement
    t, x = _shaky(np.random.default_rng(0))
    src, copy = _sampled(t, x, ta), _sampled(t, x, 1.5 * tb)
    one = compare_camera_lagged(src, copy, ta, tb, pi, pj, (2.0,), reliability_floor=1.0)
    assert one == compare_camera_lagged(src, copy, ta, tb, pi, pj, (2.0,))


def test_the_correction_barely_lifts_another_shaken_walk_through_the_same_place():
    """A walk (0.1 frame sizes/s) with the shake of ``_shaky`` and another walk at 30–60° to it, shaken its
    own way: their partial agreement comes from the shared direction, which the tracks carry reliably, so
    dividing by √(r_a·r_b) lifts it little (measured: ≤ 0.04 on average), while the copy reaches ≈ 1."""
    from vidfp.fingerprints.camera_compare import compare_camera_lagged

    ta, tb = np.arange(0, 11.5, 0.5), np.arange(0, 11.5 / 1.5, 0.5)
    pi = np.arange(len(ta))
    pj = np.minimum(np.round(ta / 1.5 / 0.5).astype(int), len(tb) - 1)

    def walk(seed: int, deg: float):
        t, x = _shaky(np.random.default_rng(seed))
        return t, x + 0.1 * t[:, None] * np.array([np.cos(np.deg2rad(deg)), np.sin(np.deg2rad(deg))])

    for deg in (30, 45, 60):
        lift, copies = [], []
        for seed in range(8):
            t, x = walk(seed, 0.0)
            _, other = walk(seed + 10, deg)
            src, copy, path = _sampled(t, x, ta), _sampled(t, x, 1.5 * tb), _sampled(t, other, ta)
            raw = compare_camera_lagged(src, path, ta, ta, pi, pi, (2.0,))[0]
            fixed = compare_camera_lagged(src, path, ta, ta, pi, pi, (2.0,), reliability_floor=0.5)[0]
            lift.append(fixed - raw)
            copies.append(compare_camera_lagged(src, copy, ta, tb, pi, pj, (2.0,), reliability_floor=0.5)[0])
        assert 0.0 <= np.mean(lift) < 0.06 and np.mean(copies) > 0.97
