"""Corpus family C: a second held-out corpus, built once the settings of a round are fixed.

Family B stopped being blind once its failure list had chosen which copy kinds family A
lacked (see the README, "What family B has been used for").  Family C restores a figure that
nothing has looked at: it is built by family B's generator (``family_b.py``), so it differs
from the tuning family A in the same ways, with none of A's content and other compositions than B:

* photos — three that no family used before: a portrait photograph (matplotlib's
  ``grace_hopper.jpg``), a motorbike in a workshop (scikit-image's ``motorcycle_left``; family A
  uses other scikit-image photos) and a still of kivy's city clip; B's photos in other roles;
* footage — windows of the iscc live session that B does not copy, its ASF, MPEG-PS and F4V
  encodes as natural copies, and its opening seconds as the same room at another moment;
* copies — eight chains B does not use (crop+gamma, resize+subtitles, speed+crop, rotate+resize,
  fps change+flip, variable rate+gamma, flip, sub-clip) beside B's picture in picture and 9:16
  reframe, at 4:3 and 30 frames/s, 10 s journeys;
* the seed (1), so shake, crops and compilation pieces are drawn afresh.

Rule: tune nothing on C, and measure it once per release with the default command.
"""

from __future__ import annotations

from vidfp.corpus.family_b import build_family_b
from vidfp.corpus.scales_b import ScaleB

SCALE_C = ScaleB(
    journeys=(("hopper", "orbit"), ("motorcycle", "stopgo"), ("citystill", "diagonal"), ("bubbles", "spiral")),
    statics=("kiwi",),
    footage=(("session", 18.0, 27.0), ("session", 44.0, 52.0)),
    natives={"session_18s": ("asf", "mpeg"), "session_44s": ("f4v",)},
    other_moments=(("session", 0.0, 6.0),),
    copies=(
        (("crop", "gamma"), "h264_mov"),
        (("resize", "subtitles"), "vp9_300k"),
        (("hflip",), "h264_mkv"),
        (("speed", "crop"), "mpeg4_800k"),
        (("pip",), "flv_400k"),
        (("rotate", "resize"), "h264_150k"),
        (("subclip",), "h264_mkv"),
        (("fps_change", "hflip"), "h264_mov"),
        (("vfr", "gamma"), "h264_mkv"),  # PyAV cannot mux millisecond VFR stamps into MP4 here
        (("vertical",), "h264_mp4"),
    ),
    static_copies=((("zoom", "gamma"), "h264_mp4"), (("crop80", "hflip"), "h264_mkv")),
    hn_paths=("reverse", "mirror", "other"),
    same_path_photos=("ill1", "tex3", "wall", "aero"),
    distractors=(("ascent", "orbit"), ("faust", "diagonal")),
    compilations=(("ill1", "wander"), ("tex3", "stopgo"), ("aero", "orbit")),
    broken=("html_error_page", "random_bytes", "no_index", "zeros"),
    journey_s=10.0,
    journey_fps=30.0,
    journey_hw=(240, 320),
)


def build_family_c(out: str, seed: int = 1) -> dict:
    """Write family C under ``out`` and return its truth (also saved as truth.json)."""
    return build_family_b(out, SCALE_C, seed=seed, family="C")
