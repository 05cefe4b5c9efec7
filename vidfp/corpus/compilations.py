"""Family A's compilations: pieces of several originals cut together, each a partial copy.

A compilation (a highlights reel, a "best of" upload) holds a few seconds of each of several
videos back to back, with hard cuts.  Each (source, compilation) pair is a copy pair with one
segment, and the compilation is in no duplicate group: it must never join its sources' clusters
(vidfp.cluster), and its segments must say where each piece sits on both sides.

What this adds to family A's partial inserts (one piece inside a journey through another photo):
several pieces from *different* sources meet at cuts, so each end of a piece borders footage that
is itself a copy of something in the corpus; the pieces are short (2.5–5 s, 5–10 samples at
2 frames/s) and come from sources of other frame rates and sizes, resampled to the compilation's
own rate, so a piece's ends fall between the source's frames.

Written for family A from this description (not from family B's compilations, whose generator is
held out with it); the piece lengths, the count and the output size are fixed here, the sources
and positions drawn from the caller's random stream.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vidfp.corpus.transforms import nearest_resize

OUT_FPS = 15.0  # the compilation's frame rate (family A's journeys' rate)
OUT_HW = (144, 192)  # the compilation's frame size (family A's journeys' size)
PIECE_S = (2.5, 5.0)  # piece length, uniform, seconds (at most 60 % of its source)


def compile_pieces(
    sources: list[tuple[np.ndarray, float]], rng: np.random.Generator
) -> tuple[np.ndarray, float, list[tuple[float, float, float, float]]]:
    """Cut one piece of each source [T_i, H_i, W_i, 3] at fps_i and join them at ``OUT_FPS``.

    Piece i starts at source frame a_i and has n_i output frames; output frame k of the piece shows
    source frame a_i + ⌊k · fps_i / OUT_FPS⌋, so it covers source time [a_i / fps_i,
    a_i / fps_i + n_i / OUT_FPS) at the same speed, and compilation time [p_i, p_i + n_i / OUT_FPS)
    with p_i the output frames before it / OUT_FPS.

    Returns (frames [T, 144, 192, 3], OUT_FPS, one box (src_start, src_end, comp_start, comp_end)
    in seconds per source, in the order given)."""
    out, boxes, p = [], [], 0
    for frames, fps in sources:
        d = len(frames) / fps
        length = min(float(rng.uniform(*PIECE_S)), 0.6 * d)
        n = int(round(length * OUT_FPS))
        last = len(frames) - int(np.ceil(n * fps / OUT_FPS))  # the piece's source frames stay inside
        a = int(rng.integers(0, max(1, last + 1)))
        idx = np.minimum(a + np.floor(np.arange(n) * fps / OUT_FPS).astype(int), len(frames) - 1)
        out.append(nearest_resize(frames[idx], OUT_HW))
        boxes.append((a / fps, a / fps + n / OUT_FPS, p / OUT_FPS, (p + n) / OUT_FPS))
        p += n
    return np.concatenate(out), OUT_FPS, boxes


def pick_sources(names: list[str], count: int, per: int, rng: np.random.Generator) -> list[list[str]]:
    """``count`` compilations of ``per`` distinct originals each, every original used at most once
    where there are enough of them (so no two compilations share a source)."""
    order = [names[i] for i in rng.permutation(len(names))]
    return [[order[(c * per + j) % len(order)] for j in range(per)] for c in range(count) if per <= len(order)]


def add_compilations(
    sources: dict[str, tuple[np.ndarray, float]],
    first: dict[str, str],
    count: int,
    per: int,
    rng: np.random.Generator,
    truth: dict,
    write: Callable[[str, np.ndarray, float], str],
) -> None:
    """Write ``count`` compilations of ``per`` pieces of ``sources`` (original → (frames, fps); ``first``:
    original → its file) with ``write(name, frames, fps)`` → file name, and add them to ``truth``: role
    "compilation", no group, one segment (source file, compilation) per piece.  ``rng`` is a stream of
    their own, so adding them leaves every other video of the corpus as it was."""
    keys = ("a_start_s", "a_end_s", "b_start_s", "b_end_s")
    for c, chosen in enumerate(pick_sources(list(sources), count, per, rng)):
        frames, fps, boxes = compile_pieces([sources[n] for n in chosen], rng)
        fname = write(f"compilation{c + 1}", frames, fps)
        info = {"group": None, "role": "compilation", "transform": "compilation", "source": "+".join(chosen)}
        truth["videos"][fname] = info
        for n, box in zip(chosen, boxes, strict=True):
            truth["segments"].append(
                {"a": first[n], "b": fname} | {k: round(x, 3) for k, x in zip(keys, box, strict=True)}
            )
