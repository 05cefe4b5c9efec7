"""Fusion of the semantic score with the non-semantic signals (see vidfp.similarity.scoring).

Every fusion gets the semantic score s ∈ [0, 1] and the non-semantic parts
(score_k, weight_k) or (score_k, weight_k, confirm_k), blends the parts into one non-semantic
score n (:func:`blend_nonsemantic`) and combines the two:

- :class:`VetoFusion` (default): min(s, s^α · n^(1−α)) — motion and order only lower;
- :class:`GeometricFusion`: s^α · n^(1−α) — both required, but n > s lifts the score;
- :class:`LinearFusion`: α·s + (1 − α)·n — either can make up for the other.

Below ``min_semantic`` every fusion is capped at s.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


def _blend(semantic: float, parts: list[tuple]) -> float:
    w = sum(max(p[1], 0.0) for p in parts)
    if w <= 1e-9:
        return semantic
    nonsem = sum(p[0] * max(p[1], 0.0) for p in parts) / w
    conf = min(w, 1.0)
    return conf * nonsem + (1 - conf) * semantic


def _confirms_partly(part: tuple) -> bool:
    """A (score, weight, confirm) part whose confirm is below 1."""
    return len(part) > 2 and part[2] < 1.0


def blend_nonsemantic(semantic: float, parts: list[tuple]) -> float:
    """nonsem = c·Σ s_k w_k / Σ w_k + (1 − c)·semantic with confidence c = min(1, Σ w_k).

    One confident signal is enough to speak for the temporal structure; when
    none saw change or motion (a static shot), they abstain and the semantic
    score stands alone.

    A part (s, w, γ) with a third element γ ∈ [0, 1] may confirm only that much: its agreement can
    also come from something other than a copy (the activity of a moving camera follows the camera's
    pace, which another path through the same place can share).  With n₁ the blend of all parts and
    n₀ the blend without such parts, nonsem = γ·n₁ + (1 − γ)·min(n₀, n₁): at γ = 0 the part can
    lower the blend but never raise it.  With several such parts, γ is the smallest.
    """
    n1 = _blend(semantic, parts)
    limited = [p for p in parts if _confirms_partly(p)]
    if not limited:
        return n1
    n0 = _blend(semantic, [p for p in parts if not _confirms_partly(p)])
    gamma = min(max(p[2], 0.0) for p in limited)
    return gamma * n1 + (1 - gamma) * min(n0, n1)


class Fusion(ABC):
    def __init__(self, alpha: float, min_semantic: float = 0.0):
        if not 0.0 <= alpha <= 1.0:
            raise ValueError("alpha must be in [0, 1]")
        self.alpha, self.min_semantic = alpha, min_semantic

    def fuse(self, semantic: float, parts: list[tuple]) -> tuple[float, float]:
        """(nonsemantic, fused) from the semantic score and (score, weight[, confirm]) parts.

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
