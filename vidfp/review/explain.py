"""Words for the numbers: one line per score, and the sentence that says why a pair was (not) linked."""

from __future__ import annotations

from vidfp.config import ScoringConfig
from vidfp.review.data import Pair

# (key in Pair.components / Pair attribute, label, one-line meaning); meanings follow vidfp.similarity.scoring.
COMPONENTS: tuple[tuple[str, str, str], ...] = (
    (
        "similarity",
        "similarity (fused)",
        "The score the duplicate threshold applies to: appearance, confirmed or vetoed by motion and order.",
    ),
    (
        "semantic",
        "appearance",
        "How alike the matched frames look (region Chamfer, calibrated on this catalog's unrelated videos); "
        "matches shorter than 3 s count less.",
    ),
    (
        "nonsemantic",
        "motion & order",
        "Agreement of the five signals below, each weighted by how much motion it saw; a still shot abstains "
        "and this equals appearance.",
    ),
    (
        "camera",
        "camera motion",
        "Do both cameras pan and tilt the same way at the same moments? The strongest sign of the same recording.",
    ),
    ("motion", "region motion", "Do the parts of the picture move alike (region flow)?"),
    (
        "activity",
        "activity",
        "Does the picture change as much, at the same moments (people passing a still camera)? "
        "0 also when there was no time course to compare (an even pan, a frozen picture); "
        "with a moving camera it can only count against.",
    ),
    (
        "deriv",
        "change rhythm",
        "Do the pictures change at the same moments (embedding derivatives at several time scales)?",
    ),
    ("traj", "attention path", "Does the centre of visual attention travel the same path?"),
    ("frame_sim", "raw frame similarity", "Mean frame similarity along the alignment path, before calibration."),
    (
        "coverage",
        "coverage",
        "Share of the shorter video that the matched segments cover: a duplicate covers most of it, "
        "a partial copy a part.",
    ),
)
FACTS: tuple[tuple[str, str, str], ...] = (
    ("path_frames", "frames on the path", "Sampled frames the alignment path runs through."),
    ("flipped", "mirrored", "Yes when B matched as a mirror image of A."),
    (
        "votes",
        "candidate votes",
        "Nearest-neighbour frame votes (FAISS) that made this pair a candidate; – when it was paired "
        "as two duplicates of a common video (second hop).",
    ),
)


def score_rows(p: Pair) -> list[tuple[str, float | None, str]]:
    """(label, value in [0, 1] or None, meaning) for every score of the pair."""
    rows = []
    for key, label, meaning in COMPONENTS:
        v = p.similarity if key == "similarity" else p.coverage if key == "coverage" else p.components.get(key)
        rows.append((label, None if v is None else float(v), meaning))
    return rows


def fact_rows(p: Pair) -> list[tuple[str, str, str]]:
    vals = {
        "path_frames": str(p.path_frames) if p.path_frames is not None else "–",
        "flipped": {True: "yes", False: "no"}.get(p.flipped, "–"),
        "votes": f"{p.votes:.1f}" if p.votes is not None else "–",
    }
    return [(label, vals[key], meaning) for key, label, meaning in FACTS]


def decision(p: Pair, scoring: ScoringConfig) -> str:
    """One or two sentences: the user's verdict if any, then vidfp's own reading of the scores."""
    thr, cov_min = scoring.duplicate_threshold, scoring.min_coverage
    cov = p.coverage or 0.0
    if p.is_duplicate:
        s = (
            f"duplicate: similarity {p.similarity:.3f} ≥ threshold {thr:.2f}, and the match covers {cov:.0%} "
            f"of the shorter video (≥ {cov_min:.0%})."
        )
    elif p.is_partial:
        s = (
            f"partial copy: similarity {p.similarity:.3f} ≥ threshold {thr:.2f}, but the match covers only "
            f"{cov:.0%} of the shorter video: a part of one video is inside the other. "
            "Partial copies are listed, never clustered."
        )
    else:
        s = f"not linked: similarity {p.similarity:.3f} is below the threshold {thr:.2f}."
    if p.verdict:
        kept = "in one cluster" if p.verdict == "duplicate" else "apart"
        return (
            f"Your verdict: {p.verdict.replace('_', ' ')}, so clustering keeps these two {kept}. "
            f"vidfp alone read the scores as {s}"
        )
    return s[0].upper() + s[1:]
