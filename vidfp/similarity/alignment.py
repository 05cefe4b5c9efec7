"""Order-aware alignment of two videos on their frame-similarity matrix.

A copy keeps the order of its source: its matching frames form a monotone
path through S [Ta, Tb] whose slope is the speed ratio.  We find the best
*local* monotone path (Smith–Waterman style, so sub-clips and partial copies
align) on the gain matrix M = S − τ: frames more similar than τ add to the
path, less similar ones cost.

Recurrence (moves (1,1), (1,2), (2,1) so slopes between ½ and 2 — speed
changes up to 2× either way — and no stalls):

    H[i, j] = M[i, j] + max(0, H[i−1, j−1], H[i−1, j−2], H[i−2, j−1])

A path may start anywhere (the 0) and end at argmax H.  Each row depends only
on the two rows before it, so the DP is vectorised over j; a plain double loop
(`align_reference`) is the exact reference in tests.  After the best path,
its rows and columns are masked and the search repeats, which finds further
disjoint copied segments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_NEG = -1e9
_MOVES = ((1, 1), (1, 2), (2, 1))  # (di, dj) back-steps, index = back-pointer code + 1


@dataclass(frozen=True)
class AlignedPath:
    """A monotone path: frame indices in A and B, and its DP score Σ(S − τ)."""

    i: np.ndarray  # int [K]
    j: np.ndarray  # int [K]
    score: float

    def __len__(self) -> int:
        return int(self.i.shape[0])


def _dp(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised DP → (H [Ta, Tb], back-pointers int8: 0 = start, k = move k−1)."""
    ta, tb = m.shape
    h = np.zeros((ta, tb), dtype=np.float64)
    bp = np.zeros((ta, tb), dtype=np.int8)
    # candidate rows: 0 (start), (i-1, j-1), (i-1, j-2), (i-2, j-1); filled in place per row
    cands = np.full((4, tb), _NEG)
    cands[0] = 0.0
    cols = np.arange(tb)
    for i in range(ta):
        if i >= 1:
            cands[1, 1:] = h[i - 1, :-1]
            cands[2, 2:] = h[i - 1, :-2]
        if i >= 2:
            cands[3, 1:] = h[i - 2, :-1]
        k = np.argmax(cands, axis=0)
        h[i] = m[i] + cands[k, cols]
        bp[i] = k
    return h, bp


def _trace(h: np.ndarray, bp: np.ndarray) -> AlignedPath:
    i, j = np.unravel_index(int(np.argmax(h)), h.shape)
    score = float(h[i, j])
    ii, jj = [int(i)], [int(j)]
    while bp[i, j] != 0:
        di, dj = _MOVES[bp[i, j] - 1]
        i, j = i - di, j - dj
        ii.append(int(i))
        jj.append(int(j))
    return AlignedPath(np.array(ii[::-1]), np.array(jj[::-1]), score)


def align(sim: np.ndarray, tau: float, max_paths: int = 3, min_len: int = 2) -> list[AlignedPath]:
    """Best disjoint local monotone paths in ``sim`` [Ta, Tb], best first.

    Only paths with positive score and at least ``min_len`` frames are returned.
    """
    m = np.asarray(sim, dtype=np.float64) - tau
    out: list[AlignedPath] = []
    for _ in range(max_paths):
        if m.size == 0:
            break
        h, bp = _dp(m)
        if h.max() <= 0:
            break
        p = _trace(h, bp)
        if len(p) < min_len:
            break
        out.append(p)
        m = m.copy()
        m[p.i.min() : p.i.max() + 1, :] = -1.0  # disjoint in both videos
        m[:, p.j.min() : p.j.max() + 1] = -1.0
    return out


def align_reference(sim: np.ndarray, tau: float) -> tuple[np.ndarray, float]:
    """Plain double-loop DP (same recurrence) for tests: (H, best score)."""
    m = np.asarray(sim, dtype=np.float64) - tau
    ta, tb = m.shape
    h = np.zeros((ta, tb))
    for i in range(ta):
        for j in range(tb):
            best = 0.0
            for di, dj in _MOVES:
                if i - di >= 0 and j - dj >= 0:
                    best = max(best, h[i - di, j - dj])
            h[i, j] = m[i, j] + best
    return h, float(h.max())
