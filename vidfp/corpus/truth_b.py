"""Family B's truth, read off the provenance of every written video.

Input per video: its runs (origin, ot_start, ot_end, t_start, t_end) (see ``clip.runs``).
Output: the same ``truth.json`` layout as family A (videos, groups, hard_negative_pairs,
segments, broken) plus

* ``hard_negative_kinds`` — parallel to ``hard_negative_pairs``: ``same_place_other_path``
  (another camera path through the same photo: reverse, mirror, another shape, another static
  framing), ``same_path_other_content`` (the identical camera path through another photo), or
  ``same_scene_other_moment`` (another time window of the same real footage);
* ``origins`` (id → kind, place, path) and ``provenance`` (file → runs), so a test or an
  analysis can check every claim against the pixels.

Rules: two videos are copies iff they show ≥ ``MIN_SHARED_S`` seconds of one origin's time in
common.  Every pair inside a group must be a copy and every copy pair must share a group (the
build fails otherwise: a truth that contradicts its own provenance is a bug, not noise).  A
non-copy pair is a hard negative when the two videos look at one place or follow one path.
Segments: for each group, (original, member) boxes from the member's runs on the original's
origin, mapped to the original's own time (originals play their origin at 1×).
"""

from __future__ import annotations

from itertools import combinations

from vidfp.corpus.clip import MIN_SHARED_S, Origin, coverage, shared_seconds

KIND_ORDER = ("same_place_other_path", "same_scene_other_moment", "same_path_other_content")


def relation(runs_a: list, runs_b: list, origins: dict[str, Origin]) -> str | None:
    """The hard-negative kind two videos would form (first of ``KIND_ORDER`` that applies), or None."""
    oa = {r[0] for r in runs_a}
    ob = {r[0] for r in runs_b}
    found = set()
    for x in oa:
        for y in ob:
            gx, gy = origins[x], origins[y]
            if gx.kind == "footage" or gy.kind == "footage":
                if x == y:
                    found.add("same_scene_other_moment")
                continue
            if gx.place == gy.place:
                found.add("same_place_other_path")
            elif gx.path == gy.path:
                found.add("same_path_other_content")
    return next((k for k in KIND_ORDER if k in found), None)


def segment_boxes(orig_runs: list, member_runs: list) -> list[dict]:
    """(original, member) boxes: each member run on an origin the original shows, clipped to it."""
    out = []
    for o, os_, oe, ts, te in member_runs:
        for o2, s2, e2, t2s, _ in orig_runs:
            if o2 != o:
                continue
            lo, hi = max(os_, s2), min(oe, e2)
            if hi - lo <= 0:
                continue
            rate = (te - ts) / (oe - os_)  # member seconds per origin second
            out.append(
                {
                    "a_start_s": round(t2s + lo - s2, 3),
                    "a_end_s": round(t2s + hi - s2, 3),
                    "b_start_s": round(ts + (lo - os_) * rate, 3),
                    "b_end_s": round(ts + (hi - os_) * rate, 3),
                }
            )
    return out


def build_truth(
    videos: dict[str, dict],
    provenance: dict[str, list],
    groups: dict[str, list[str]],
    originals: dict[str, str],
    origins: dict[str, Origin],
    broken: dict[str, str],
) -> dict:
    """Assemble and check the truth (see the module docstring); raises ValueError on a contradiction."""
    cov = {f: coverage(r) for f, r in provenance.items()}
    names = sorted(provenance)
    copies = {(a, b) for a, b in combinations(names, 2) if shared_seconds(cov[a], cov[b]) >= MIN_SHARED_S}
    in_group = {(a, b) for m in groups.values() for a, b in combinations(sorted(m), 2)}
    if in_group - copies:
        raise ValueError(f"group members that share no content: {sorted(in_group - copies)[:5]}")
    if copies - in_group:
        raise ValueError(f"copies outside any common group: {sorted(copies - in_group)[:5]}")
    hn, kinds = [], []
    for a, b in combinations(names, 2):
        if (a, b) in copies:
            continue
        k = relation(provenance[a], provenance[b], origins)
        if k:
            hn.append([a, b])
            kinds.append(k)
    segments = []
    for g, members in groups.items():
        o = originals[g]
        for m in members:
            if m != o:
                segments += [{"a": o, "b": m, **box} for box in segment_boxes(provenance[o], provenance[m])]
    return {
        "family": "B",
        "videos": videos,
        "groups": groups,
        "hard_negative_pairs": hn,
        "hard_negative_kinds": kinds,
        "segments": segments,
        "broken": broken,
        "origins": {k: {"kind": v.kind, "place": v.place, "path": v.path} for k, v in sorted(origins.items())},
        "provenance": {f: [[r[0], *(round(x, 3) for x in r[1:])] for r in provenance[f]] for f in names},
    }
