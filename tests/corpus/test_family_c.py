"""Family C (held out, measured once per release): what it is built from, not how vidfp scores on it.

Building it takes a minute, so these tests check its recipe: every name it uses exists,
and its content is disjoint from the tuning family A's.
"""

import numpy as np
import pytest

from tests.corpus.recipes import assert_recipe_names_exist, family_a_content, scale_photos
from vidfp.corpus.family_b import SCALES_B
from vidfp.corpus.family_c import SCALE_C
from vidfp.corpus.sources import C_PHOTOS, footage_path, photo_b, variant_lag


def test_recipe_names_exist():
    assert_recipe_names_exist(SCALE_C)


def test_content_is_disjoint_from_the_tuning_family():
    assert not scale_photos(SCALE_C) & family_a_content()
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
