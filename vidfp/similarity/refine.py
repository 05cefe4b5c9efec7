"""Sharpen a matched segment's ends with frames sampled more densely than the fingerprints.

Fingerprints sample every ``h`` seconds (½ s by default), so a segment's ends found on them
(:func:`vidfp.similarity.scoring.run_bounds`) are off by up to h/2, and by h/4 on average: a tenth
of a three-second piece.  Refinement looks again at frames ``dt`` apart (dt ≪ h) in two steps.

**The time map.**  The aligned path gives a line t_b = m(u) = offset + rate · u
(:func:`vidfp.similarity.scoring.path_line`; the bounds' diagonal when unknown).  Its offset is
off by the two videos' sampling phase, up to h/2, and that error is the same for every matched
sample, so no average over the path removes it.  At K = 3 instants u_k inside the segment the
profile

    P(δ) = 1/K Σ_k sim(A(u_k), B(m(u_k) + δ)),     δ ∈ {−h/2 − dt, …, h/2 + dt} in steps of dt

is measured and the offset moves by its peak δ* (the top of the parabola through the highest
lattice point and its neighbours) when that is an interior peak, above both edges of the profile:
moving content has one; on a still shot every δ looks alike, no instant can be told from its
neighbours, and the offset stays.

**The ends.**  Around the start, u runs over a₀ ± w in steps of dt and s(u) = sim(A(u), B(m(u))).
Before the copied part one of the two frames shows something else and s is low; inside it s is
high.  The end is the least-squares two-level step through s, among the splits whose levels
straddle the pair's level τ (``pair_tau``), μ_hi ≥ τ > μ_lo:

    k* = argmin_k  Σ_{i<k} (s_i − μ_lo)² + Σ_{i≥k} (s_i − μ_hi)²   over those k,

rising into the segment, and the new start is (u_{k*−1} + u_{k*}) / 2, off by at most dt/2, in A and
m of it in B.  Where no split straddles τ (the window matches throughout, as at a video's own first frame, or
nowhere) the coarse end stays.  The end is the mirror image.  Instants that do not exist in both
videos are left out.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

import numpy as np

from vidfp.similarity.scoring import Segment


class PairFrames(Protocol):
    """Whole-frame similarities of A at instants ta [n] with B at tb [n] (seconds; B in the pair's
    orientation) → [n]."""

    def ab(self, ta: np.ndarray, tb: np.ndarray) -> np.ndarray: ...


N_PROBES = 3  # instants inside the segment where the offset is measured


def seg_line(seg: Segment) -> tuple[float, float]:
    """(rate, offset) of the segment's time map t_b = offset + rate · t_a."""
    if seg.offset is not None:
        return seg.rate, seg.offset
    da = seg.a_end_s - seg.a_start_s
    rate = (seg.b_end_s - seg.b_start_s) / da if da > 0 else 1.0
    return rate, seg.b_start_s - rate * seg.a_start_s


def shifts(h: float, dt: float) -> np.ndarray:
    """Offset corrections δ [J] tried: multiples of dt a step past ± h/2, so that a correction of a
    full h/2 still shows as an interior peak."""
    m = int(np.ceil(h / 2 / dt - 1e-9)) + 1
    return dt * np.arange(-m, m + 1)


def probe_times(seg: Segment, h: float) -> np.ndarray:
    """Instants in A: N_PROBES evenly inside the segment, at least h from its ends, where they span 2h
    or more; else the middle alone."""
    lo, hi = seg.a_start_s + h, seg.a_end_s - h
    if hi - lo < 2 * h:  # too short to measure a slope: one probe, for the offset
        return np.array([0.5 * (seg.a_start_s + seg.a_end_s)])
    return np.linspace(lo, hi, N_PROBES)


def end_grid(seg: Segment, at_start: bool, dt: float, w: float) -> np.ndarray:
    """Instants u in A [n] around the segment's start (or end): e + (i + ½)·dt for |u − e| < w + dt/2,
    so each candidate end (a midpoint between neighbours) is e + k·dt, e itself included; only those
    on the segment's side of its middle (a short segment must not show its other end)."""
    e = seg.a_start_s if at_start else seg.a_end_s
    m = int(np.ceil(w / dt))
    u = e + dt * (np.arange(-m, m) + 0.5)
    mid = 0.5 * (seg.a_start_s + seg.a_end_s)
    return u[u <= mid] if at_start else u[u >= mid]


def probe_instants(seg: Segment, h: float, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Instants (in A [K], in B [K·J]) where :func:`measured_line` compares frames."""
    rate, offset = seg_line(seg)
    uk = probe_times(seg, h)
    return uk, ((offset + rate * uk)[:, None] + shifts(h, dt)[None, :]).ravel()


def end_instants(seg: Segment, line: tuple[float, float], dt: float, w: float) -> tuple[np.ndarray, np.ndarray]:
    """Instants (in A, in B) where :func:`refine_ends` compares frames, along the time map ``line``."""
    u = np.concatenate([end_grid(seg, True, dt, w), end_grid(seg, False, dt, w)])
    return u, line[1] + line[0] * u


def _peak(p: np.ndarray, d: np.ndarray) -> float:
    """The shift at the top of the parabola through the interior peak of p [J] and its neighbours
    (sub-step: d[j] + ½·dt·(p[j−1] − p[j+1]) / (p[j−1] − 2p[j] + p[j+1]))."""
    j = best_shift(p)
    den = p[j - 1] - 2 * p[j] + p[j + 1]
    frac = 0.5 * (p[j - 1] - p[j + 1]) / den if den < 0 else 0.0
    return float(d[j] + np.clip(frac, -0.5, 0.5) * (d[1] - d[0]))


def best_shift(profile: np.ndarray) -> int | None:
    """Index of the profile's interior peak [J] (strictly above both edges), or None."""
    p = np.asarray(profile, np.float64)
    if p.size < 3:
        return None
    j = int(np.argmax(p))
    return j if 0 < j < p.size - 1 and p[j] > p[0] and p[j] > p[-1] else None


def measured_line(seg: Segment, f: PairFrames, h: float, dt: float) -> tuple[float, float]:
    """(rate, offset) of the time map after the probe measurement (module doc).

    The profile P(δ) is averaged over the probes (one probe's profile is noisy: a copy descriptor is
    built to shrug off small shifts, so neighbouring instants of a slow pan score alike), and the
    offset moves by the shift at the top of the parabola through P's interior peak and its
    neighbours (between lattice points).  With no interior peak (a still picture, or a pan too slow
    to tell δ apart) the path's map stays.  The rate is the path's (a robust slope, path_line)."""
    rate, offset = seg_line(seg)
    uk, tb = probe_instants(seg, h, dt)
    d = shifts(h, dt)
    prof = np.asarray(f.ab(np.repeat(uk, d.size), tb), np.float64).reshape(uk.size, d.size).mean(axis=0)
    if best_shift(prof) is None:
        return rate, offset
    return rate, offset + _peak(prof, d)


def step_change(s: np.ndarray, tau: float) -> int | None:
    """Index k* of the rise of a two-level step fitted to s [n] (low before k*, high from k*).

    None when no rise straddles ``tau`` (μ_hi ≥ τ > μ_lo) or n < 2.  Vectorised with cumulative
    sums: SSE(k) = Σs² − (Σ_{<k} s)²/k − (Σ_{≥k} s)²/(n − k)."""
    s = np.asarray(s, np.float64)
    n = s.size
    if n < 2:
        return None
    c = np.cumsum(s)
    k = np.arange(1, n)
    left, right = c[:-1], c[-1] - c[:-1]
    mu_lo, mu_hi = left / k, right / (n - k)
    gain = left**2 / k + right**2 / (n - k)  # SSE = Σs² − gain: maximise the gain
    ok = (mu_hi >= tau) & (mu_lo < tau)
    if not ok.any():
        return None
    return int(k[ok][np.argmax(gain[ok])])


def step_change_reference(s: np.ndarray, tau: float) -> int | None:
    """Plain-loop reference of :func:`step_change` (tests): every split, its SSE, the smallest."""
    s = [float(x) for x in s]
    best, best_sse = None, None
    for k in range(1, len(s)):
        lo, hi = s[:k], s[k:]
        mlo, mhi = sum(lo) / len(lo), sum(hi) / len(hi)
        if not (mhi >= tau > mlo):
            continue
        sse = sum((x - mlo) ** 2 for x in lo) + sum((x - mhi) ** 2 for x in hi)
        if best_sse is None or sse < best_sse - 1e-12:
            best, best_sse = k, sse
    return best


def pair_tau(ga: np.ndarray, gb: np.ndarray, ta: np.ndarray, seg: Segment, m: np.ndarray | None = None) -> float:
    """The pair's own "matching frame" level for whole-frame vectors: halfway between the inside
    level (median over A's samples inside the segment of their best cosine in B) and the outside
    level (median cosine of all sample pairs, most of which do not correspond).

    ga [Ta, D], gb [Tb, D] the fingerprints' global vectors (B's in the pair's orientation), ta [Ta]
    seconds.  Measured per pair because whole-frame cosines of a copy depend on its transform (an
    80 % crop matches less than a re-encode) and are not on the region-Chamfer scale of τ.  (For
    SSCD the global vector holds both orientations, so its cosine is the mean of the straight and the
    mirrored one, a close stand-in for ``encode_whole``'s straight cosine.)  ``m`` = ga @ gbᵀ when the
    caller already has it (one matrix per pair serves all its segments)."""
    m = ga @ gb.T if m is None else m  # [Ta, Tb]
    inside = (ta >= seg.a_start_s) & (ta < seg.a_end_s)
    lin = float(np.median(m[inside].max(axis=1))) if inside.any() else float(m.max())
    return 0.5 * (lin + float(np.median(m)))


def _end(
    seg: Segment, at_start: bool, line: tuple[float, float], f: PairFrames, durs: tuple[float, float], dt, w, tau
) -> float | None:
    """The instant in A of the step along ``line`` at the segment's start (or end), or None."""
    u = end_grid(seg, at_start, dt, w)
    tb = line[1] + line[0] * u
    keep = (u >= 0) & (u < durs[0]) & (tb >= 0) & (tb < durs[1])
    u, tb = u[keep], tb[keep]
    if u.size < 2:
        return None
    s = np.asarray(f.ab(u, tb), np.float64)
    if not at_start:
        s = s[::-1]  # the segment lies before its end: reversed, the step still rises into it
    k = step_change(s, tau)
    if k is None:
        return None
    if not at_start:
        k = u.size - k  # back to forward order: u[k − 1] is the last matching instant
    return 0.5 * float(u[k - 1] + u[k])


def refine_ends(
    seg: Segment,
    line: tuple[float, float],
    f: PairFrames,
    dur_a: float,
    dur_b: float,
    dt: float,
    w: float,
    tau: float,
) -> Segment:
    """``seg`` on the time map ``line`` (rate, offset) with each end at its step (module doc).

    Along the right map the step sits where the copied part starts, whichever video holds the cut,
    so the end is u* in A and line(u*) in B.  ``f`` answers for :func:`end_instants`."""
    rate, offset = line
    out = replace(seg, rate=round(rate, 6), offset=round(offset, 6))
    for at_start in (True, False):
        u = _end(seg, at_start, line, f, (dur_a, dur_b), dt, w, tau)
        if u is None:
            continue
        ea, eb = round(min(max(u, 0.0), dur_a), 6), round(min(max(offset + rate * u, 0.0), dur_b), 6)
        out = replace(out, a_start_s=ea, b_start_s=eb) if at_start else replace(out, a_end_s=ea, b_end_s=eb)
    if out.a_end_s <= out.a_start_s or out.b_end_s <= out.b_start_s:
        return seg  # the two ends crossed: keep the coarse segment
    return out


def refine_segment(
    seg: Segment, f: PairFrames, dur_a: float, dur_b: float, h: float, dt: float, w: float, tau: float
) -> Segment:
    """:func:`measured_line`, then :func:`refine_ends` on it (``f`` answers for every instant).

    h: the fingerprints' sampling step; dt: the fine step; w: how far either way of a coarse end to look."""
    if seg.a_end_s <= seg.a_start_s or seg.b_end_s <= seg.b_start_s:
        return seg
    return refine_ends(seg, measured_line(seg, f, h, dt), f, dur_a, dur_b, dt, w, tau)
