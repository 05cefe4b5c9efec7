import numpy as np
import pytest

from vidfp.config import ScoringConfig
from vidfp.records import FrameRecord
from vidfp.similarity.alignment import _dp, align, align_reference, trim_ends
from vidfp.similarity.chamfer import chamfer_matrix, chamfer_matrix_reference
from vidfp.similarity.fusion import GeometricFusion, LinearFusion, blend_nonsemantic
from vidfp.similarity.scoring import PairScorer, run_bounds


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


@pytest.mark.parametrize("seed,chunk", [(0, 1), (1, 3), (2, 64)])
def test_chamfer_matches_plain_loop(seed, chunk):
    r = np.random.default_rng(seed)
    a, b = _unit(r.normal(size=(7, 9, 6))).astype(np.float32), _unit(r.normal(size=(5, 4, 6))).astype(np.float32)
    np.testing.assert_allclose(chamfer_matrix(a, b, chunk=chunk), chamfer_matrix_reference(a, b), atol=1e-5)


def test_chamfer_is_symmetric_and_region_permutation_invariant(rng):
    a, b = _unit(rng.normal(size=(4, 9, 8))), _unit(rng.normal(size=(6, 9, 8)))
    np.testing.assert_allclose(chamfer_matrix(a, b), chamfer_matrix(b, a).T, atol=1e-6)
    np.testing.assert_allclose(chamfer_matrix(a, b), chamfer_matrix(a, b[:, rng.permutation(9)]), atol=1e-6)


@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (5, 1), (2, 2), (2, 3), (3, 2), (4, 7)])
def test_vectorised_dp_equals_plain_loop_on_small_matrices(shape):
    s = np.random.default_rng(sum(shape)).uniform(-0.5, 1, size=shape)
    h, _ = _dp(s - 0.4)
    np.testing.assert_allclose(h, align_reference(s, 0.4)[0], atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_vectorised_dp_equals_plain_loop(seed):
    s = np.random.default_rng(seed).uniform(-0.5, 1, size=(17, 23))
    h, _ = _dp(s - 0.4)
    h_ref, best = align_reference(s, 0.4)
    np.testing.assert_allclose(h, h_ref, atol=1e-12)
    assert align(s, 0.4)[0].score == pytest.approx(best)


@pytest.mark.parametrize("slope", [1.0, 2.0, 0.5, 1.5])
def test_alignment_recovers_subclip_and_speed(slope):
    s = np.full((40, 60), 0.1)
    i = np.arange(5, 25)
    j = np.round(8 + (i - 5) * slope).astype(int)
    keep = j < 60
    s[i[keep], j[keep]] = 0.95
    p = align(s, 0.5)[0]
    assert abs(p.i[0] - 5) <= 1 and abs(p.j[0] - 8) <= 1  # at slope ½ two A frames share a B frame
    assert abs(p.i[-1] - i[keep][-1]) <= 1
    assert np.all(np.diff(p.i) >= 1) and np.all(np.diff(p.j) >= 1)  # monotone


def test_reversed_order_does_not_align_long():
    s = np.full((30, 30), 0.1)
    s[np.arange(30), np.arange(30)[::-1]] = 0.95  # B is A reversed
    paths = align(s, 0.5)
    assert all(len(p) <= 2 for p in paths)


def _record(vid, g, r, c, fps=2.0):
    n = len(g)
    return FrameRecord(vid, np.arange(n) / fps, np.arange(n)).with_features(g, r, c)


def test_pair_scorer_finds_subclip_segment(rng):
    n = 40
    g = _unit(rng.normal(size=(n, 16)))
    r = _unit(rng.normal(size=(n, 9, 16)))
    c = rng.uniform(0.2, 0.8, size=(n, 2))
    a = _record("a", g, r, c)
    b = _record("b", g[10:30], r[10:30], c[10:30])
    res = PairScorer(ScoringConfig()).score(a, b)
    assert res.is_duplicate and res.similarity > 0.8
    seg = res.segments[0]
    # samples 10..29 of a (t = 5.0 .. 14.5 s): the copy starts and ends halfway to the unmatched
    # neighbours (4.75 s, 14.75 s); b is matched whole, so its segment is all of b (0 .. 10 s)
    assert abs(seg.a_start_s - 4.75) < 0.01 and abs(seg.a_end_s - 14.75) < 0.01
    assert abs(seg.b_start_s) < 0.01 and abs(seg.b_end_s - 10.0) < 0.01
    other = _record("c", _unit(rng.normal(size=(n, 16))), _unit(rng.normal(size=(n, 9, 16))), c)
    assert not PairScorer(ScoringConfig()).score(a, other).is_duplicate


def test_linear_fusion():
    f = LinearFusion(0.5)
    assert f.fuse(0.8, []) == (0.8, pytest.approx(0.8))  # no non-semantic information: semantic alone
    ns, fused = f.fuse(0.8, [(0.0, 1.0), (0.0, 1.0)])
    assert ns == 0.0 and fused == pytest.approx(0.4)
    with pytest.raises(ValueError):
        LinearFusion(1.5)


def test_nonsemantic_blend_abstains_when_signals_saw_nothing():
    assert blend_nonsemantic(0.7, [(0.0, 0.0), (1.0, 0.0)]) == 0.7
    # half-confident signal: halfway between its verdict and the semantic score
    assert blend_nonsemantic(0.8, [(0.2, 0.5)]) == pytest.approx(0.5 * 0.2 + 0.5 * 0.8)
    # confident signals: their weighted mean alone
    assert blend_nonsemantic(0.8, [(0.2, 1.0), (0.6, 3.0)]) == pytest.approx(0.5)


def test_geometric_fusion_needs_both_kinds_of_evidence():
    g, lin = GeometricFusion(0.3), LinearFusion(0.3)
    # same place, other path: appearance without path
    assert g.combine(1.0, 0.1) == pytest.approx(0.1**0.7)
    assert g.combine(1.0, 0.1) < 0.25 < lin.combine(1.0, 0.1)
    # same path through another place: path without appearance
    assert g.combine(0.05, 1.0) == pytest.approx(0.05**0.3) and g.combine(0.05, 1.0) < lin.combine(0.05, 1.0)
    assert g.combine(0.9, 0.9) == pytest.approx(0.9)
    assert g.combine(0.0, 1.0) == 0.0


def test_semantic_floor_caps_motion_only_matches():
    g = GeometricFusion(0.3, min_semantic=0.4)
    _, fused = g.fuse(0.3, [(1.0, 1.0)])  # same path, other place: motion agrees, content does not
    assert fused == pytest.approx(0.3)
    _, fused = g.fuse(0.5, [(1.0, 1.0)])
    assert fused == pytest.approx(0.5**0.3)


def test_run_bounds_at_the_ends_and_on_variable_frame_rate():
    t = np.arange(20) / 2.0  # 2 samples/s
    assert run_bounds(t, 4, 9) == (1.75, 4.75)  # halfway to the unmatched neighbours
    assert run_bounds(t, 0, 19) == (0.0, 10.0)  # the whole video: first sample to last + one step
    assert run_bounds(t, 0, 19, duration=9.8) == (0.0, 9.8)  # clipped to the container's duration
    vfr = np.array([0.0, 0.3, 1.1, 1.4, 2.6, 3.0])
    assert run_bounds(vfr, 2, 3) == pytest.approx((0.7, 2.0))  # midpoints of the real, uneven gaps


def test_run_bounds_halve_the_boundary_error_of_the_first_and_last_sample():
    """A copied part [s, e) placed at random on a sampling grid: the midpoint estimate is unbiased
    and its mean error half that of the first matching sample (and of last sample + one step)."""
    rng = np.random.default_rng(0)
    t = np.arange(60) * 0.5 + 0.02
    err_mid, err_old = [], []
    for _ in range(400):
        s = rng.uniform(3, 12)
        e = s + rng.uniform(4, 10)
        inside = np.flatnonzero((t >= s) & (t < e))
        start, end = run_bounds(t, int(inside[0]), int(inside[-1]))
        err_mid += [start - s, end - e]
        err_old += [t[inside[0]] - s, t[inside[-1]] + 0.5 - e]
    err_mid, err_old = np.array(err_mid), np.array(err_old)
    assert abs(err_mid.mean()) < 0.03 and err_old.mean() > 0.2  # unbiased vs half a step late
    assert np.abs(err_mid).mean() < 0.6 * np.abs(err_old).mean()


def _piece_in_host(seed: int) -> tuple[np.ndarray, float]:
    """sim [30, 40]: a copied piece (a[5:15] = b[20:30], sims ≈ 0.75) in footage whose other frames sit
    at the background's level, a little over τ here and there (the extension a local path takes)."""
    rng = np.random.default_rng(seed)
    sim = rng.normal(0.05, 0.04, size=(30, 40))
    sim[15:30, 30:40] = rng.uniform(0.12, 0.16, size=(15, 10))  # just over τ after the piece
    for k in range(10):
        sim[5 + k, 20 + k] = rng.uniform(0.66, 0.8)
    return sim, 0.11


@pytest.mark.parametrize("seed", range(3))
def test_trimmed_path_ends_where_the_copy_ends(seed):
    sim, tau = _piece_in_host(seed)
    untrimmed = align(sim, tau, max_paths=1)[0]
    assert untrimmed.i[-1] > 14  # the plain local path runs on into the footage after the piece
    p = align(sim, tau, max_paths=1, trim=0.25)[0]
    assert (p.i[0], p.i[-1], p.j[0], p.j[-1]) == (5, 14, 20, 29)
    np.testing.assert_array_equal(p.j - p.i, 15)


def test_trim_ends_keeps_the_interior_and_reports_nothing_below_the_cut():
    from vidfp.similarity.alignment import AlignedPath

    p = AlignedPath(np.arange(6), np.arange(6), 3.0)
    s = np.array([0.1, 0.7, 0.2, 0.8, 0.75, 0.12])
    q = trim_ends(p, s, 0.3)
    np.testing.assert_array_equal(q.i, [1, 2, 3, 4])  # the dip at 2 stays: it is inside the copy
    assert len(trim_ends(p, s, 0.9)) == 0


def test_a_second_path_at_background_level_is_dropped_and_a_second_copy_kept():
    sim, tau = _piece_in_host(0)
    sim[15:30, 30:40] = 0.05
    sim[20:25, 0:5] = np.where(np.eye(5, dtype=bool), 0.14, 0.05)  # a short run just over τ: background
    assert len(align(sim, tau, max_paths=3)) == 2  # untrimmed, it is a second "segment"
    assert len(align(sim, tau, max_paths=3, trim=0.25)) == 1
    sim[20:25, 0:5] = np.where(np.eye(5, dtype=bool), 0.7, 0.05)  # a second piece of the same source
    paths = align(sim, tau, max_paths=3, trim=0.25)
    assert len(paths) == 2 and (paths[1].i[0], paths[1].j[0]) == (20, 0)


def test_a_path_too_short_to_trim_is_kept_as_found():
    """Two samples, one at the background's level: trimming would leave one, under min_len; the pair
    keeps the path it had (a further path is never let through this way)."""
    sim = np.full((4, 4), 0.0)
    sim[1, 1], sim[2, 2] = 0.9, 0.12
    (p,) = align(sim, 0.11, max_paths=3, trim=0.25)
    assert (p.i.tolist(), p.j.tolist()) == ([1, 2], [1, 2])


def test_path_trim_outside_zero_to_one_is_refused():
    from vidfp.config import IngestConfig
    from vidfp.preflight import ConfigError

    for bad in (-0.1, 1.0):
        with pytest.raises(ConfigError, match="path_trim"):
            IngestConfig(scoring=ScoringConfig(path_trim=bad))
    IngestConfig(scoring=ScoringConfig(path_trim=0.0))
