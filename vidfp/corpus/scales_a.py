"""What family A holds at each scale (``demo`` for the walk-through, ``bench`` for reports): the
originals, the copy chains applied to each, the hard-negative paths and the other kinds
(vidfp.corpus.build writes them; family B's counterpart: vidfp.corpus.scales_b)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    clips: tuple[str, ...]
    photos: tuple[str, ...]  # each: a copied journey ("pan" unless ``paths`` says) + hard negatives
    distractor_photos: tuple[str, ...]
    copies: tuple[tuple[str, ...], ...]  # transform chains applied to each original
    hard_negatives: tuple[str, ...]
    paths: tuple[tuple[str, str], ...] = ()  # (photo, base path) where a copied journey is not a "pan"
    host_photos: tuple[str, ...] = ("camera", "moon", "coins", "grass", "gravel", "cell", "clock", "page")
    journey_s: float = 12.0
    journey_fps: float = 15.0
    # (photo, host photo of its partial insert): a still camera over the photo (vidfp.corpus.fixed_scene),
    # copied like every original; its other moments are its hard negatives
    fixed_scenes: tuple[tuple[str, str], ...] = ()
    other_moments: int = 2
    # (photo, host photo of its partial insert): one view of the photo held for the whole clip, nothing
    # moving (an upload of a still image); copied like every original, no hard negative
    frozen_shots: tuple[tuple[str, str], ...] = ()
    # (count, pieces each): compilations of pieces of distinct originals, frozen shots left out (a piece of
    # a still view sits anywhere in its source); vidfp.corpus.compilations
    compilations: tuple[int, int] = (0, 3)
    # (place in vidfp.corpus.handheld.PLACES, host photo of its partial insert): a hand-held camera held
    # on the place, copied like every original; ``takes`` other takes of it are its hard negatives
    handheld: tuple[tuple[str, str], ...] = ()
    takes: int = 2


SCALES = {
    "demo": Scale(
        clips=("bikes", "carphone_pristine"),
        photos=("astronaut",),
        distractor_photos=("coffee",),
        copies=(("reencode",), ("crop", "flip"), ("subclip",), ("speed",)),
        hard_negatives=("reverse", "cross"),
    ),
    "bench": Scale(
        clips=("bikes", "bigbuckbunny", "carphone_pristine"),
        photos=("astronaut", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry"),
        distractor_photos=("coffee", "retina", "brick"),
        copies=(
            ("reencode",),
            ("resize", "blur_noise"),
            ("crop",),
            ("flip",),
            ("colour",),
            ("grey",),
            ("letterbox",),
            ("overlay",),
            ("fps_change",),
            ("speed",),
            ("subclip",),
            ("crop", "flip", "speed"),
            ("partial_insert",),
            ("vertical",),
            ("rotate",),
            ("pip",),
        ),
        hard_negatives=("reverse", "cross", "zoom", "mirror"),
        paths=(("chelsea", "stopgo"), ("immunohistochemistry", "spiral")),
        host_photos=("colorwheel", "moon", "coins", "grass", "gravel", "cell", "clock", "page"),
        fixed_scenes=(("camera", "logo"),),
        frozen_shots=(("text", "horse"),),
        compilations=(3, 3),
        handheld=(("terrain", "shepp_logan_phantom"),),
    ),
}
