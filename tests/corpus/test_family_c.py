"""Family C (held out, measured once per release): what it is built from, not how vidfp scores on it.

Building it takes a minute, so these tests check its recipe: every name it uses exists,
and its content is disjoint from the tuning family A's.
"""

import numpy as np
import pytest

from vidfp.corpus import build as family_a
from vidfp.corpus.encode import ENCODINGS
from vidfp.corpus.family_b import SCALES_B
from vidfp.corpus.family_c import SCALE_C
from vidfp.corpus.media import CLIPS, PHOTOS
from vidfp.corpus.paths_b import KINDS
from vidfp.corpus.sources import C_PHOTOS, footage_path, photo_b, variant_lag
from vidfp.corpus.transforms_b import TRANSFORMS_B


def _photos(sc) -> set[str]:
    return (
        {p for p, _ in sc.journeys}
        | set(sc.statics)
        | set(sc.same_path_photos)
        | {p for p, _ in sc.distractors}
        | {p for p, _ in sc.compilations}
    )


def test_recipe_names_exist():
    for chain, enc in SCALE_C.copies + SCALE_C.static_copies:
        assert set(chain) <= set(TRANSFORMS_B) and enc in ENCODINGS
    assert {k for _, k in SCALE_C.journeys + SCALE_C.distractors + SCALE_C.compilations} <= set(KINDS)
    assert len(SCALE_C.same_path_photos) == len(SCALE_C.journeys)


def test_content_is_disjoint_from_the_tuning_family():
    a = family_a.SCALES["bench"]
    family_a_content = set(PHOTOS) | set(CLIPS) | set(a.host_photos) | set(a.photos) | set(a.distractor_photos)
    family_a_content |= {p for pair in a.fixed_scenes + a.frozen_shots for p in pair}  # still cameras, their hosts
    assert not _photos(SCALE_C) & family_a_content
    assert {name for name, _, _ in SCALE_C.footage} <= {"session", "city"}  # family B's sources, never A's


def test_compositions_differ_from_family_b():
    b = SCALES_B["bench"]
    assert not set(SCALE_C.journeys) & set(b.journeys)
    assert not {c for c, _ in SCALE_C.copies} & {c for c, _ in b.copies if len(c) > 1}
    assert set(C_PHOTOS) <= {p for p, _ in SCALE_C.journeys}  # its new photos are copied journeys


@pytest.mark.parametrize("name", sorted(C_PHOTOS))
def test_new_photos_load(name):
    im = photo_b(name)
    assert im.dtype == np.uint8 and im.ndim == 3 and im.shape[2] == 3 and min(im.shape[:2]) >= 400
    assert im.std() > 20  # a photograph, not a blank


def test_natural_reencodes_line_up_with_the_session():
    for variants in SCALE_C.natives.values():
        for v in variants:
            assert footage_path(f"session.{v}").endswith(f"demo.{v}")
            assert abs(variant_lag(v)) < 1.0  # matched frame by frame against demo.mp4
