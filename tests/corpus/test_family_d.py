"""Family D (held out, never looked at before its first report): its recipe, and where its photos come from.

Building it takes a minute and a half from OpenCV's sample photos (a Debian package the tests do not
download), so these tests check its recipe, that its content is new to every family, that the photos
are found the way family R's clips are (inside the package, loose, or missing with the command that
fetches them), and that the builder draws every photo from the loader it is given.
"""

import io
import os
import zipfile

import numpy as np
import pytest
from PIL import Image

from tests.corpus.recipes import assert_recipe_names_exist, family_a_content, scale_photos
from vidfp.corpus import family_b
from vidfp.corpus import footage as footage_mod
from vidfp.corpus.family_b import SCALES_B
from vidfp.corpus.family_c import SCALE_C
from vidfp.corpus.family_d import D_PHOTOS, D_SOURCES, SCALE_D, build_family_d, photo_loader
from vidfp.corpus.footage import SOURCES, FootageError, find_footage
from vidfp.corpus.sources import C_PHOTOS, KIVY_PHOTOS, PYWT_PHOTOS, footage_path, variant_lag


def test_recipe_names_exist():
    assert_recipe_names_exist(SCALE_D)
    assert scale_photos(SCALE_D) == set(D_PHOTOS)  # every photo it names is fetched, and every one fetched used
    windows = {f"{n}_{int(t0):02d}s" for n, t0, _ in SCALE_D.footage}
    assert set(SCALE_D.natives) <= windows


def test_content_is_new_to_every_family():
    others = family_a_content() | set(KIVY_PHOTOS) | set(PYWT_PHOTOS) | set(C_PHOTOS)
    assert not scale_photos(SCALE_D) & others
    assert not set(D_SOURCES) & set(SOURCES)  # family R takes clips from the same package, never these files
    assert len(set(D_PHOTOS.values())) == len(D_PHOTOS)


def test_compositions_differ_from_families_b_and_c():
    """Its multi-step chains are its own (single steps are shared), and no window it copies
    overlaps a window B or C copies."""
    for other in (SCALES_B["bench"], SCALE_C):
        assert not {c for c, _ in SCALE_D.copies if len(c) > 1} & {c for c, _ in other.copies}
        for name, t0, t1 in SCALE_D.footage:
            for n2, u0, u1 in other.footage:
                assert name != n2 or t1 <= u0 or u1 <= t0, (name, t0, t1, u0, u1)


def test_natural_copies_line_up_with_the_session():
    for variants in SCALE_D.natives.values():
        for v in variants:
            assert footage_path(f"session.{v}").endswith(f"demo.{v}")
            assert abs(variant_lag(v)) < 1.0  # matched frame by frame against demo.mp4


def _jpeg(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (24, 32, 3), dtype=np.uint8)).save(buf, format="JPEG")
    return buf.getvalue()


def test_photos_are_found_in_a_package_or_loose_and_load_as_rgb(tmp_path):
    names = sorted(D_SOURCES)
    with zipfile.ZipFile(tmp_path / "opencv-doc.zip", "w") as z:  # stands in for the unpacked .deb
        for i, n in enumerate(names[1:]):
            z.writestr(f"usr/share/doc/opencv-doc/examples/data/{n}", _jpeg(i))
    Image.new("L", (40, 30), 128).save(tmp_path / names[0])  # a grey photo, loose in the folder
    found = find_footage(str(tmp_path), str(tmp_path / "cache"), wanted=D_SOURCES, family="D")
    assert set(found) == set(D_SOURCES)
    assert found[names[1]].startswith(str(tmp_path / "cache"))
    photo = photo_loader(found)
    by_file = {f: n for n, f in D_PHOTOS.items()}
    grey = photo(by_file[names[0]])
    assert grey.dtype == np.uint8 and grey.shape == (30, 40, 3) and (grey == 128).all()
    assert photo(by_file[names[1]]).shape == (24, 32, 3)


def test_a_missing_photo_names_itself_and_its_download(tmp_path, monkeypatch):
    with zipfile.ZipFile(tmp_path / "part.zip", "w") as z:  # some photos, unpacked into the cache
        for i, n in enumerate(sorted(D_SOURCES)[:5]):
            z.writestr(f"examples/data/{n}", _jpeg(i))
    seen = []
    real_save = footage_mod._save
    monkeypatch.setattr(footage_mod, "_save", lambda *a: seen.append(real_save(*a)) or seen[-1])
    with pytest.raises(FootageError) as e:
        build_family_d(str(tmp_path / "D"), str(tmp_path))
    assert "family D" in str(e.value) and "needs 9 files" in str(e.value) and "fruits.jpg" in str(e.value)
    assert "apt-get download opencv-doc" in str(e.value)
    assert len(seen) == 5 and all(p.startswith(str(tmp_path / "D" / ".footage")) for p in seen)
    assert not os.path.exists(tmp_path / "D" / ".footage")  # the unpacking folder is removed, also on failure


def test_photos_come_from_the_samples_folder_and_the_search_stops_when_all_are_found(tmp_path):
    """OpenCV's package also holds smaller namesakes (opencv4/html/board.jpg); once every photo is
    found, later packages are not opened (a damaged one would otherwise stop the build)."""
    names = sorted(D_SOURCES)
    with zipfile.ZipFile(tmp_path / "a-opencv-doc.zip", "w") as z:
        z.writestr("usr/share/doc/opencv-doc/opencv4/html/board.jpg", b"not the sample")  # first in the archive
        for i, n in enumerate(names):
            z.writestr(f"usr/share/doc/opencv-doc/examples/data/{n}", _jpeg(i))
    (tmp_path / "z-damaged.whl").write_bytes(b"not a zip")
    found = find_footage(str(tmp_path), str(tmp_path / "cache"), wanted=D_SOURCES, family="D")
    with open(found["board.jpg"], "rb") as fh:
        assert fh.read() == _jpeg(names.index("board.jpg"))
    (tmp_path / "unpacked" / "opencv4" / "html").mkdir(parents=True)  # an unpacked tree: the same rule
    (tmp_path / "unpacked" / "opencv4" / "html" / "apple.jpg").write_bytes(b"not the sample")
    os.remove(tmp_path / "a-opencv-doc.zip")
    with pytest.raises(FootageError, match="apple.jpg"):
        find_footage(str(tmp_path / "unpacked"), str(tmp_path / "cache2"), wanted=D_SOURCES, family="D")


def test_the_builder_draws_every_photo_from_the_loader(monkeypatch, tmp_path):
    """build_family_b with ``load_photo`` never falls back to family B's photos: a whole tiny build."""
    asked = []

    def loader(name):
        asked.append(name)
        return np.random.default_rng(len(asked)).integers(0, 255, (300, 400, 3), dtype=np.uint8)

    def refuse(name):
        raise AssertionError(f"family B's photo {name} read")

    monkeypatch.setattr(family_b, "photo_b", refuse)
    sc = SCALES_B["tiny"]
    truth = family_b.build_family_b(str(tmp_path / "B"), sc, load_photo=loader)
    assert set(asked) == scale_photos(sc) and truth["videos"]


def test_the_command_line_says_what_family_d_needs(tmp_path):
    from vidfp.cli import main

    with pytest.raises(SystemExit, match="pass --footage DIR"):
        main(["bench", "make", str(tmp_path / "D"), "--family", "D"])
    with pytest.raises(SystemExit, match="family D has one scale"):
        main(["bench", "make", str(tmp_path / "D"), "--family", "D", "--scale", "tiny", "--footage", str(tmp_path)])
    with pytest.raises(SystemExit, match="family D needs 14 files not found"):  # a FootageError, as one line
        main(["bench", "make", str(tmp_path / "D"), "--family", "D", "--footage", str(tmp_path)])
