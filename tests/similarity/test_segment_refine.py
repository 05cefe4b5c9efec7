"""Segment refinement (vidfp.similarity.refine) on synthetic videos with known cuts.

A "video" here is a function from time to a unit descriptor, shown frame by frame at its own
frame rate.  The source's descriptor moves smoothly (neighbouring instants are similar, instants a
second apart are not), so a time offset between two copies can be measured; a host shows
unrelated descriptors outside the copied piece.
"""

from dataclasses import dataclass

import numpy as np
import pytest

from vidfp.similarity.alignment import align
from vidfp.similarity.refine import (
    best_shift,
    end_grid,
    end_instants,
    measured_line,
    pair_tau,
    probe_instants,
    refine_segment,
    shifts,
    step_change,
    step_change_reference,
)
from vidfp.similarity.scoring import Segment, path_line, run_bounds

D = 64
H, DT = 0.5, 0.125  # fingerprint step and fine step


class Source:
    """A smoothly moving descriptor: v(t) = normalise(Σ_k B_k cos(ω_k t + φ_k)) (or a still one)."""

    def __init__(self, seed: int, still: bool = False):
        g = np.random.default_rng(seed)
        self.basis = g.normal(size=(6, D))
        self.omega = g.uniform(1.5, 3.0, 6) * (0.0 if still else 1.0)
        self.phase = g.uniform(0, 2 * np.pi, 6)

    def __call__(self, t: np.ndarray) -> np.ndarray:
        v = np.cos(np.outer(t, self.omega) + self.phase) @ self.basis
        return v / np.linalg.norm(v, axis=1, keepdims=True)


@dataclass
class Video:
    """Frames at ``fps``; inside [start, end) the frame shows ``source`` at (t − start)·rate + src0,
    elsewhere (if ``host``) unrelated noise fixed per frame, else ``source`` at t."""

    source: Source
    fps: float
    start: float = 0.0
    end: float = np.inf
    rate: float = 1.0
    src0: float = 0.0
    host: bool = False
    seed: int = 1

    def __call__(self, t: np.ndarray) -> np.ndarray:
        t = np.floor(np.asarray(t, np.float64) * self.fps + 1e-9) / self.fps  # the frame on screen
        inside = (t >= self.start) & (t < self.end)
        out = self.source(np.where(inside, (t - self.start) * self.rate + self.src0, t))
        if self.host:
            g = np.random.default_rng([self.seed, 0])
            noise = g.normal(size=(4000, D))
            noise /= np.linalg.norm(noise, axis=1, keepdims=True)
            out = np.where(inside[:, None], out, noise[(t * self.fps).astype(int) % 4000])
        return out


@dataclass
class Frames:
    a: Video
    b: Video

    def ab(self, ta, tb):
        return np.einsum("nd,nd->n", self.a(ta), self.b(tb))

    def aa(self, t1, t2):
        return np.einsum("nd,nd->n", self.a(t1), self.a(t2))

    def bb(self, t1, t2):
        return np.einsum("nd,nd->n", self.b(t1), self.b(t2))


def _coarse(f: "Frames", dur: float = 12.0, phase_b: float = 0.21) -> Segment:
    """The segment the scorer would report: samples every H s (B's grid shifted by ``phase_b``), the
    aligner's best path at τ = 0.5, ends by run_bounds, line by path_line."""
    ta, tb = np.arange(0, dur, H), np.arange(phase_b, dur, H)
    p = align(f.a(ta) @ f.b(tb).T, 0.5, 1)[0]
    a0, a1 = run_bounds(ta, int(p.i[0]), int(p.i[-1]), dur)
    b0, b1 = run_bounds(tb, int(p.j[0]), int(p.j[-1]), dur)
    return Segment(a0, a1, b0, b1, 0.8, *path_line(ta[p.i], tb[p.j]))


def _tau(f: Frames, seg: Segment) -> float:
    ta = np.arange(0, 12, H)
    tb = np.arange(0, 12, H)
    return pair_tau(f.a(ta), f.b(tb), ta, seg)


def test_step_change_equals_plain_loop(rng):
    for n in range(1, 30):
        for _ in range(8):
            s = rng.uniform(-0.1, 1.0, n)
            if rng.random() < 0.5:  # a real step somewhere
                s[: rng.integers(0, n + 1)] *= 0.1
            tau = float(rng.uniform(0.2, 0.6))
            assert step_change(s, tau) == step_change_reference(s, tau)


def test_step_change_finds_the_rise_and_refuses_a_flat_window():
    s = np.array([0.05, 0.1, 0.0, 0.8, 0.9, 0.85, 0.8])
    assert step_change(s, 0.4) == 3
    assert step_change(np.full(7, 0.85), 0.4) is None  # all matching: no step
    assert step_change(np.full(7, 0.05), 0.4) is None  # nothing matching


def test_best_shift_wants_an_interior_peak():
    assert best_shift(np.array([0.5, 0.7, 0.6])) == 1
    assert best_shift(np.array([0.5, 0.6, 0.7])) is None  # rising to the edge: the peak may be beyond
    assert best_shift(np.array([0.6, 0.6, 0.6])) is None  # still picture: every shift alike


def test_grids_put_candidate_ends_on_the_coarse_end():
    seg = Segment(2.0, 6.0, 5.0, 9.0, 0.8, 1.0, 3.0)
    u = end_grid(seg, True, DT, H)
    mids = 0.5 * (u[1:] + u[:-1])
    assert np.isclose(mids, 2.0).any() and np.allclose(np.diff(u), DT)
    short = Segment(2.0, 2.6, 5.0, 5.6, 0.8, 1.0, 3.0)  # a window of ± 1.5 steps would reach its other end
    assert end_grid(short, True, DT, H).max() <= 2.3 <= end_grid(short, False, DT, H).min()
    assert end_grid(short, True, DT, H).size < u.size
    d = shifts(H, DT)
    assert np.isclose(d, 0).any() and d.max() > H / 2 and d.min() < -H / 2
    ua, ub = probe_instants(seg, H, DT)
    assert ua.size == 3 and ub.size == ua.size * d.size and (ua > 2.0).all() and (ua < 6.0).all()
    ua, ub = end_instants(seg, (1.1, 2.5), DT, H)
    assert np.allclose(ub, 2.5 + 1.1 * ua) and ua.size == 2 * u.size


@pytest.mark.parametrize("host_is_b", [True, False])
@pytest.mark.parametrize("phase_b", [0.04, 0.21, 0.37])
def test_partial_insert_ends_within_a_fine_step(host_is_b, phase_b):
    """A piece of the source [1.37, 5.61) sits in a host at [3.83, 8.07); the scorer's segment is off by
    up to half a sampling step and by the grids' phase; refined, all four ends are within dt."""
    src = Source(0)
    source = Video(src, fps=30.0)
    host = Video(src, fps=25.0, start=3.83, end=8.07, src0=1.37, host=True)
    truth_src, truth_host = (1.37, 5.61), (3.83, 8.07)
    if host_is_b:
        f, truth = Frames(source, host), (*truth_src, *truth_host)
    else:
        f, truth = Frames(host, source), (*truth_host, *truth_src)
    coarse = _coarse(f, phase_b=phase_b)
    out = refine_segment(coarse, f, 12.0, 12.0, H, DT, H, _tau(f, coarse))
    got = (out.a_start_s, out.a_end_s, out.b_start_s, out.b_end_s)
    before = np.abs(np.subtract((coarse.a_start_s, coarse.a_end_s, coarse.b_start_s, coarse.b_end_s), truth))
    after = np.abs(np.subtract(got, truth))
    assert after.max() <= DT, (got, truth)
    assert after.mean() < 0.6 * before.mean()


def test_speed_change_keeps_its_rate():
    """A 1.25× copy of the source's [2, 7) placed at [1.1, 5.1) of a host."""
    src = Source(3)
    f = Frames(Video(src, fps=30.0), Video(src, fps=24.0, start=1.1, end=5.1, rate=1.25, src0=2.0, host=True))
    coarse = _coarse(f)
    rate, offset = measured_line(coarse, f, H, DT)
    u = np.linspace(2.0, 7.0, 11)
    true = 1.1 + (u - 2.0) / 1.25
    assert np.abs(offset + rate * u - true).max() <= DT / 2
    out = refine_segment(coarse, f, 12.0, 12.0, H, DT, H, _tau(f, coarse))
    assert abs(out.b_start_s - 1.1) <= DT and abs(out.b_end_s - 5.1) <= DT
    assert abs(out.a_start_s - 2.0) <= 2 * DT and abs(out.a_end_s - 7.0) <= 2 * DT


def test_still_picture_keeps_the_coarse_map():
    """Nothing moves inside the piece: no instant can be told from its neighbours, so the time map
    stays the path's; the host's cut at the end is still found along it."""
    src = Source(5, still=True)
    f = Frames(Video(src, fps=30.0), Video(src, fps=25.0, start=3.83, end=8.07, src0=1.37, host=True))
    coarse = _coarse(f)
    assert measured_line(coarse, f, H, DT) == (coarse.rate, coarse.offset)
    out = refine_segment(coarse, f, 12.0, 12.0, H, DT, H, _tau(f, coarse))
    assert abs(out.b_end_s - 8.07) <= min(DT, abs(coarse.b_end_s - 8.07))


def test_a_piece_from_the_first_frame_keeps_its_start():
    """The copy starts with the source's first frame: before it there is nothing to compare, so the
    start stays where the coarse segment put it (the video's own start)."""
    src = Source(7)
    f = Frames(Video(src, fps=30.0, end=4.0, host=True, seed=2), Video(src, fps=25.0, start=2.0, end=6.0, host=True))
    coarse = _coarse(f)
    assert coarse.a_start_s == 0.0
    out = refine_segment(coarse, f, 12.0, 12.0, H, DT, H, _tau(f, coarse))
    assert out.a_start_s == 0.0 and out.b_start_s == coarse.b_start_s
    assert abs(out.a_end_s - 4.0) <= DT and abs(out.b_end_s - 6.0) <= DT
