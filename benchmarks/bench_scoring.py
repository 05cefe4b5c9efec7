"""Scoring: vectorised region Chamfer + monotone alignment vs the plain-loop references.

Prints the time ratio (reference / vidfp) and checks both give the same numbers
on seeded data: Chamfer to 1e-5, the best path score exactly.

    python benchmarks/bench_scoring.py
"""

from __future__ import annotations

import numpy as np
from _timing import best_of, row

from vidfp.similarity.alignment import align, align_reference
from vidfp.similarity.chamfer import chamfer_matrix, chamfer_matrix_reference


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def main() -> None:
    rng = np.random.default_rng(0)
    print(
        "| frames A×B, regions, dim | Chamfer loop s | Chamfer vidfp s | ratio | align loop s | align vidfp s | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    for n, r, d in ((16, 34, 96), (32, 34, 96), (48, 34, 96)):
        a, b = _unit(rng.normal(size=(n, r, d))), _unit(rng.normal(size=(n, r, d)))
        b[: n // 2] = a[n // 4 : n // 4 + n // 2]  # a copied stretch so the path is real
        fast = chamfer_matrix(a, b)
        ref = chamfer_matrix_reference(a, b)
        assert np.allclose(fast, ref, atol=1e-5)
        t_ref = best_of(lambda: chamfer_matrix_reference(a, b), 1)
        t_fast = best_of(lambda: chamfer_matrix(a, b))
        tau = 0.5
        paths = align(fast, tau)
        _, ref_score = align_reference(fast, tau)
        assert paths and abs(paths[0].score - ref_score) < 1e-6, (paths[0].score, ref_score)
        ta_ref = best_of(lambda: align_reference(fast, tau), 1)
        ta_fast = best_of(lambda: align(fast, tau))
        print(row(f"{n}×{n}, {r}, {d}", t_ref, t_fast, t_ref / t_fast, ta_ref, ta_fast, ta_ref / ta_fast))


if __name__ == "__main__":
    main()
