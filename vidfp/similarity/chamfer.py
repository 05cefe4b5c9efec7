"""ViSiL-style region Chamfer similarity between the frames of two videos.

For frames a_i (regions a_{i,r}) and b_j (regions b_{j,s}), all unit vectors,

    CS(a_i, b_j) = 1/R · Σ_r max_s ⟨a_{i,r}, b_{j,s}⟩

is the Chamfer similarity of ViSiL (Kordopatis-Zilos et al., ICCV 2019).  It
is not symmetric; we use ½(CS(a,b) + CS(b,a)) so the pair score does not
depend on which video is called A.  Matching each region to its best partner
makes the score tolerant to crops, shifts and mirroring of the layout.
"""

from __future__ import annotations

import numpy as np


def chamfer_matrix(a: np.ndarray, b: np.ndarray, chunk: int = 64) -> np.ndarray:
    """Symmetric Chamfer frame-similarity matrix.

    a: float32 [Ta, R, D], b: float32 [Tb, R', D] → float32 [Ta, Tb] in [-1, 1].
    Work is chunked over Ta so memory stays at chunk·Tb·R·R' floats.
    """
    if a.ndim != 3 or b.ndim != 3 or a.shape[2] != b.shape[2]:
        raise ValueError(f"expected [T, R, D] arrays with equal D, got {a.shape} and {b.shape}")
    ta, ra, d = a.shape
    tb, rb, _ = b.shape
    out = np.empty((ta, tb), dtype=np.float32)
    bf = b.reshape(tb * rb, d)
    for s in range(0, ta, chunk):
        blk = a[s : s + chunk]
        sims = (blk.reshape(-1, d) @ bf.T).reshape(blk.shape[0], ra, tb, rb)  # [c, R, Tb, R']
        ab = sims.max(axis=3).mean(axis=1)  # CS(a, b): best s for each r
        ba = sims.max(axis=1).mean(axis=2)  # CS(b, a): best r for each s
        out[s : s + chunk] = 0.5 * (ab + ba)
    return out


def chamfer_matrix_reference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Plain-loop reference for tests: the definition above, term by term."""
    ta, tb = a.shape[0], b.shape[0]
    out = np.zeros((ta, tb), dtype=np.float64)
    for i in range(ta):
        for j in range(tb):
            ab = np.mean([max(float(np.dot(x, y)) for y in b[j]) for x in a[i]])
            ba = np.mean([max(float(np.dot(x, y)) for x in a[i]) for y in b[j]])
            out[i, j] = 0.5 * (ab + ba)
    return out
