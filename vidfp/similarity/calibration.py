"""Per-encoder calibration of frame similarities against a background drawn from the catalog.

Raw Chamfer similarities mean different things for different encoders: for the
weight-free baseline, unrelated frames of the same kind (two landscapes) score
≈ 0.5–0.6, for a learned copy descriptor ≈ 0.0–0.2.  Constants tuned for one
encoder are wrong for another, and wrong for a corpus whose unrelated content
happens to look more alike.  The VSC22 baseline raised µAP from 0.475 to 0.650 by
normalising scores against a background set; vidfp does the same with the
catalog itself as background.

For P random video pairs (seeded, so a re-run draws the same pairs), the
Chamfer matrices of up to F sampled frames each are pooled into one sample of
frame-pair similarities.  Almost all random pairs are unrelated (copy groups
are a vanishing share of all pairs), and the median and MAD ignore the few
that are not:

    c = median(S),   σ = 1.4826 · median(|S − c|)

The thresholds of the scorer are placed from it — τ = c + z_τ·σ (frames
below cost the alignment path), lo = c + z_lo·σ (no evidence: just above
the noise of unrelated footage) and hi = c + h·(1 − c) (full evidence: a
share of the way from the background to a perfect match, since how far
copies sit above the noise differs between encoders far more than where
the noise is) — so the same z's and h (``ScoringConfig``) serve every encoder.  A
catalog too small to draw a background from uses the encoder's prior
(``Encoder.calibration_prior``, measured on bench family A).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from vidfp.records import FrameRecord
from vidfp.similarity.chamfer import chamfer_matrix

log = logging.getLogger(__name__)

MIN_VIDEOS = 8  # fewer ok videos than this: use the encoder's prior


@dataclass(frozen=True)
class Calibration:
    center: float  # median frame-pair similarity of unrelated videos
    scale: float  # robust spread (1.4826 · MAD)
    n_pairs: int = 0  # background pairs it was measured on (0: a prior)
    source: str = "prior"  # 'background' | 'prior'

    def at(self, z: float) -> float:
        """The similarity ``z`` background spreads above the centre (capped below 1)."""
        return float(min(self.center + z * self.scale, 0.999))

    def toward_one(self, frac: float) -> float:
        """The similarity ``frac`` of the way from the background centre to a perfect match (1)."""
        return float(self.center + frac * (1.0 - self.center))

    def close_to(self, other: Calibration | None, tol: float = 0.25) -> bool:
        """Equal for scoring purposes: centres within ``tol`` spreads, spreads within 25 %."""
        if other is None:
            return False
        return abs(self.center - other.center) <= tol * self.scale and abs(self.scale / other.scale - 1) <= 0.25


def background_calibration(
    records: dict[str, FrameRecord], n_pairs: int = 200, max_frames: int = 24, seed: int = 0
) -> Calibration | None:
    """Centre and spread of frame similarities between random catalog videos; None if too few videos.

    Cost: n_pairs Chamfer matrices of at most max_frames² frame pairs (≈ 0.2 s for the
    baseline encoder at the defaults), independent of the catalog's size.
    """
    ids = sorted(v for v, r in records.items() if r.has_features and r.n_frames > 0)
    if len(ids) < MIN_VIDEOS:
        return None
    rng = np.random.default_rng(seed)
    sample = []
    for _ in range(n_pairs):
        i, j = rng.choice(len(ids), 2, replace=False)
        a, b = records[ids[i]], records[ids[j]]
        ia = np.linspace(0, a.n_frames - 1, min(a.n_frames, max_frames)).round().astype(int)
        ib = np.linspace(0, b.n_frames - 1, min(b.n_frames, max_frames)).round().astype(int)
        sample.append(chamfer_matrix(a.region_vecs[ia], b.region_vecs[ib]).ravel())
    s = np.concatenate(sample).astype(np.float64)
    c = float(np.median(s))
    sigma = float(1.4826 * np.median(np.abs(s - c)))
    if sigma <= 1e-6:
        return None
    cal = Calibration(round(c, 6), round(sigma, 6), n_pairs, "background")
    log.info("calibration from %d background pairs: centre %.3f, spread %.3f", n_pairs, c, sigma)
    return cal
