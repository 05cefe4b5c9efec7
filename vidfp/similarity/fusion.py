"""Fusion of the semantic score with the non-semantic signals (see vidfp.similarity.scoring).

Every fusion gets the semantic score s ∈ [0, 1] and the non-semantic parts
(score_k, weight_k), blends the parts into one non-semantic score n
(:func:`blend_nonsemantic`) and combines the two:

- :class:`VetoFusion` (default): min(s, s^α · n^(1−α)) — motion and order only lower;
- :class:`GeometricFusion`: s^α · n^(1−α) — both required, but n > s lifts the score;
- :class:`LinearFusion`: α·s + (1 − α)·n — either can make up for the other.

Below ``min_semantic`` every fusion is capped at s.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


def blend_nonsemantic(semantic: float, parts: list[tuple[float, float]]) -> float:
    """nonsem = c·Σ s_k w_k / Σ w_k + (1 − c)·semantic with confidence c = min(1, Σ w_k).

    One confident signal is enough to speak for the temporal structure; when
    none saw change or motion (a static shot), they abstain and the semantic
    score stands alone.
    """
    w = sum(max(wt, 0.0) for _, wt in parts)
    if w <= 1e-9:
        return semantic
    nonsem = sum(s * max(wt, 0.0) for s, wt in parts) / w
    conf = min(w, 1.0)
    return conf * nonsem + (1 - conf) * semantic


class Fusion(ABC):
    def __init__(self, alpha: float, min_semantic: float = 0.0):
        if not 0.0 <= alpha <= 1.0:
            raise ValueError("alpha must be in [0, 1]")
        self.alpha, self.min_semantic = alpha, min_semantic

    def fuse(self, semantic: float, parts: list[tuple[float, float]]) -> tuple[float, float]:
        """(nonsemantic, fused) from the semantic score and (score, weight) parts.

        Below ``min_semantic`` the fused score is capped at the semantic one.
        """
        nonsem = blend_nonsemantic(semantic, parts)
        fused = self.combine(semantic, nonsem)
        if semantic < self.min_semantic:  # no copy without content evidence, however alike the motion
            fused = min(fused, semantic)
        return nonsem, fused

    @abstractmethod
    def combine(self, semantic: float, nonsemantic: float) -> float: ...


class LinearFusion(Fusion):
    """fused = α·semantic + (1 − α)·nonsemantic."""

    def combine(self, semantic: float, nonsemantic: float) -> float:
        return self.alpha * semantic + (1 - self.alpha) * nonsemantic


class GeometricFusion(Fusion):
    """fused = semantic^α · nonsemantic^(1−α): both kinds of evidence are required."""

    def combine(self, semantic: float, nonsemantic: float) -> float:
        return float(max(semantic, 0.0) ** self.alpha * max(nonsemantic, 0.0) ** (1 - self.alpha))


class VetoFusion(Fusion):
    """fused = min(semantic, semantic^α · nonsemantic^(1−α)): motion and order can only veto.

    Appearance alone sets the ceiling.  Non-semantic agreement at or above the
    semantic score confirms it (fused = semantic); below it, the score falls
    geometrically, so two videos whose content differs but whose camera moves
    alike (the same pan through two places) score no higher than their
    appearance supports, and a same-place pair on another path is pulled down
    by its disagreeing motion.
    """

    def combine(self, semantic: float, nonsemantic: float) -> float:
        s = max(semantic, 0.0)
        return float(min(s, s**self.alpha * max(nonsemantic, 0.0) ** (1 - self.alpha)))


FUSIONS = {"veto": VetoFusion, "linear": LinearFusion, "geometric": GeometricFusion}
