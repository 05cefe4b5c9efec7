"""Checks shared by the tests of the held-out families built by family B's generator (C and D):
what a recipe (a ``ScaleB``) names, and what the tuning family A draws on."""

from __future__ import annotations

from vidfp.corpus import build as family_a
from vidfp.corpus.encode import ENCODINGS
from vidfp.corpus.media import CLIPS, PHOTOS
from vidfp.corpus.paths_b import KINDS
from vidfp.corpus.scales_b import ScaleB
from vidfp.corpus.transforms_b import TRANSFORMS_B


def scale_photos(sc: ScaleB) -> set[str]:
    """Every photo a recipe names, in any role."""
    return (
        {p for p, _ in sc.journeys}
        | set(sc.statics)
        | set(sc.same_path_photos)
        | {p for p, _ in sc.distractors}
        | {p for p, _ in sc.compilations}
    )


def family_a_content() -> set[str]:
    """The photos and clips family A's bench corpus draws on, still cameras and their hosts included."""
    a = family_a.SCALES["bench"]
    content = set(PHOTOS) | set(CLIPS) | set(a.host_photos) | set(a.photos) | set(a.distractor_photos)
    return content | {p for pair in a.fixed_scenes + a.frozen_shots for p in pair}


def assert_recipe_names_exist(sc: ScaleB) -> None:
    """Every transform, encoding and path kind the recipe names exists; one same-path photo per journey."""
    for chain, enc in sc.copies + sc.static_copies:
        assert set(chain) <= set(TRANSFORMS_B) and enc in ENCODINGS
    assert {k for _, k in sc.journeys + sc.distractors + sc.compilations} <= set(KINDS)
    assert len(sc.same_path_photos) == len(sc.journeys)
