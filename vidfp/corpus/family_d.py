"""Corpus family D: a third held-out corpus, on photos no family and no setting has ever seen.

Families B and C stopped being blind as rounds read their failures (see the README, "Order of
looks").  Family D restores a figure that nothing has looked at.  It is built by family B's
generator (``family_b.py``), so it differs from the tuning family A in the same ways.  Its
composition was fixed before it was first built (that build stopped on the session's Theora file,
so its Matroska file stands in) and committed before it was first measured:

* photos — real photographs that OpenCV ships with its samples (Debian ``opencv-doc``, the package
  family R takes its clips from; its photos are used nowhere else): a building, fruit, a house,
  a football match, a baboon, a butterfly, a fish, a Leuven street, an aerial view, a board game,
  an orange, an apple, toy blocks and a graffiti wall;
* footage — windows of the iscc live session that B and C do not copy, its MOV, MKV, M4V and VOB files
  as natural copies, and another of its moments as the same room at another moment;
* copies — ten chains: six no other family uses (flip+resize, sub-clip+speed, picture in
  picture+gamma, subtitles+crop, 9:16 reframe+gamma, variable rate+flip), gamma+crop (C's crop+gamma
  in the other order), and rotation, frame-rate change and speed as B has them with other encodings;
  two more for the static shot; at 16:9, 24 frames/s, 10 s journeys;
* the seed (2), so shake, crops and compilation pieces are drawn afresh.

The photos are read from the folder of downloads that family R uses (``--footage DIR``, holding
``apt-get download opencv-doc``'s .deb or its unpacked files) and never copied into this
repository.  Rule: tune nothing on D, and measure it once per release with the default command.
"""

from __future__ import annotations

import os
import shutil

import numpy as np

from vidfp.corpus.family_b import build_family_b
from vidfp.corpus.footage import find_footage
from vidfp.corpus.scales_b import ScaleB

# (package, command that fetches it, folder it sits in: the package has smaller namesakes elsewhere)
_OPENCV = ("Debian opencv-doc", "apt-get download opencv-doc", "examples/data")
#: vidfp photo name → file in opencv-doc's samples/data
D_PHOTOS = {
    "building": "building.jpg",
    "fruits": "fruits.jpg",
    "home": "home.jpg",
    "messi": "messi5.jpg",
    "baboon": "baboon.jpg",
    "butterfly": "butterfly.jpg",
    "fish": "HappyFish.jpg",
    "leuven": "leuvenA.jpg",
    "aerial": "aero1.jpg",
    "board": "board.jpg",
    "orange": "orange.jpg",
    "apple": "apple.jpg",
    "blox": "blox.jpg",
    "graffiti": "graf1.png",
}
D_SOURCES = {f: _OPENCV for f in D_PHOTOS.values()}

SCALE_D = ScaleB(
    journeys=(("building", "diagonal"), ("fruits", "orbit"), ("messi", "wander"), ("baboon", "stopgo")),
    statics=("home",),
    footage=(("session", 27.0, 33.0), ("session", 53.0, 59.0)),
    natives={"session_27s": ("mov", "mkv"), "session_53s": ("m4v", "vob")},  # Theora (ogv) does not decode here
    other_moments=(("session", 36.0, 42.0),),
    copies=(
        (("gamma", "crop"), "vp9_300k"),
        (("hflip", "resize"), "h264_mp4"),
        (("subclip", "speed"), "h264_mkv"),
        (("rotate",), "flv_400k"),
        (("pip", "gamma"), "h264_mov"),
        (("subtitles", "crop"), "mpeg4_800k"),
        (("fps_change",), "h264_150k"),
        (("vertical", "gamma"), "h264_mp4"),
        (("vfr", "hflip"), "h264_mkv"),
        (("speed",), "vp9_300k"),
    ),
    static_copies=((("crop80", "gamma"), "h264_mkv"), (("zoom", "hflip"), "h264_mp4")),
    hn_paths=("reverse", "mirror", "other"),
    same_path_photos=("butterfly", "fish", "leuven", "aerial"),
    distractors=(("board", "spiral"), ("orange", "diagonal")),
    compilations=(("apple", "orbit"), ("blox", "wander"), ("graffiti", "stopgo")),
    broken=("html_error_page", "random_bytes", "header_only", "no_frames"),
    journey_s=10.0,
    journey_fps=24.0,
    journey_hw=(216, 384),
)


def photo_loader(paths: dict[str, str]):
    """name → uint8 [H, W, 3] for the photos found (``find_footage`` over ``D_SOURCES``)."""

    def photo(name: str) -> np.ndarray:
        from PIL import Image

        with Image.open(paths[D_PHOTOS[name]]) as im:
            return np.ascontiguousarray(np.asarray(im.convert("RGB")))

    return photo


def build_family_d(out: str, footage: str, seed: int = 2) -> dict:
    """Write family D under ``out`` from the photos found under ``footage`` and return its truth
    (also saved as truth.json).  Photos unpacked from archives are kept in ``out/.footage`` while
    it runs and removed after, also when it fails (as family R does)."""
    os.makedirs(out, exist_ok=True)
    cache = os.path.join(out, ".footage")
    try:
        paths = find_footage(footage, cache, skip=out, wanted=D_SOURCES, family="D")
        return build_family_b(out, SCALE_D, seed=seed, family="D", load_photo=photo_loader(paths))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
