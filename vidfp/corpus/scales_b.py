"""What family B holds at each scale (``tiny`` for tests, ``bench`` for reports); family C's own
scale lives in ``family_c.py``.  The builder is ``family_b.build_family_b``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScaleB:
    """What one scale of family B holds (``tiny`` for tests, ``bench`` for reports)."""

    journeys: tuple[tuple[str, str], ...]  # (photo, path kind): copied journeys
    statics: tuple[str, ...]  # photos with a copied static shot
    footage: tuple[tuple[str, float, float], ...]  # (footage, t0, t1): copied real windows
    natives: dict  # footage window group → iscc variants decoded as natural copies
    other_moments: tuple[tuple[str, float, float], ...]  # footage windows used only as hard negatives
    copies: tuple[tuple[tuple[str, ...], str], ...]  # (transform chain, encoding) for every original
    static_copies: tuple[tuple[tuple[str, ...], str], ...]  # extra copies of static shots
    hn_paths: tuple[str, ...]  # per journey: "reverse", "mirror", "other"
    same_path_photos: tuple[str, ...]  # per journey: the photo its identical path also visits
    distractors: tuple[tuple[str, str], ...]
    compilations: tuple[tuple[str, str], ...]  # per compilation: (photo, path) of a piece seen nowhere else
    broken: tuple[str, ...]
    journey_s: float = 9.0
    journey_fps: float = 20.0
    journey_hw: tuple[int, int] = (180, 320)
    static_s: float = 8.0
    static_fps: float = 25.0
    static_hw: tuple[int, int] = (240, 320)
    footage_hw: tuple[int, int] = (216, 384)
    piece_s: float = 3.0


SCALES_B = {
    "tiny": ScaleB(
        journeys=(("faust", "orbit"),),
        statics=("ascent",),
        footage=(("session", 8.0, 12.0),),
        natives={"session_08s": ("flv",)},
        other_moments=(("session", 40.0, 44.0),),
        copies=((("crop", "gamma"), "h264_mov"), (("speed",), "mpeg4_800k"), (("subtitles", "vfr"), "h264_mkv")),
        static_copies=((("crop80",), "h264_mp4"), (("zoom",), "h264_mkv")),
        hn_paths=("reverse", "mirror"),
        same_path_photos=("wall",),
        distractors=(("tex3", "wander"),),
        compilations=(("kiwi", "spiral"),),
        broken=("html_error_page", "no_frames"),
        journey_s=4.0,
        journey_fps=12.0,
        journey_hw=(108, 192),
        static_s=3.0,
        static_fps=10.0,
        static_hw=(96, 128),
        piece_s=1.5,
    ),
    "bench": ScaleB(
        journeys=(("wall", "stopgo"), ("faust", "orbit"), ("aero", "spiral"), ("ill1", "wander")),
        statics=("ascent",),
        footage=(("city", 0.0, 8.0), ("session", 6.0, 16.0), ("session", 33.0, 43.0)),
        natives={"session_06s": ("webm", "3gp", "rm", "mpg"), "session_33s": ("flv", "wmv", "avi")},
        other_moments=(("session", 47.0, 55.0),),
        copies=(
            (("resize",), "h264_150k"),
            (("fps_change",), "vp9_300k"),
            (("crop",), "mpeg4_800k"),
            (("rotate",), "h264_mov"),
            (("pip",), "h264_mkv"),
            (("gamma",), "flv_400k"),
            (("subtitles",), "h264_mp4"),
            (("speed",), "h264_mkv"),
            (("vertical",), "h264_mp4"),
            (("hflip", "crop", "speed"), "h264_mov"),
            (("subclip", "gamma"), "vp9_300k"),
            (("vfr",), "h264_mkv"),
        ),
        static_copies=((("crop80",), "h264_mp4"), (("zoom",), "h264_mkv"), (("crop80", "gamma"), "h264_mov")),
        hn_paths=("reverse", "mirror", "other"),
        same_path_photos=("bubbles", "tex3", "wall", "faust"),
        distractors=(("kiwi", "diagonal"), ("bubbles", "wander"), ("tex3", "stopgo")),
        compilations=(("kiwi", "orbit"), ("bubbles", "spiral"), ("tex3", "diagonal"), ("kiwi", "stopgo")),
        broken=("html_error_page", "no_frames", "random_bytes", "header_only", "no_index", "zeros"),
    ),
}
