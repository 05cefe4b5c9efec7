"""A missing source never empties the catalog; files that come back are ok again.

An unreachable, mistyped or empty source, or one under which more than 20 % of the catalog's
videos are gone, stops with a clear message and a non-zero exit and leaves the catalog file
byte-identical; --allow-removal accepts a mass removal; restored files are 'ok' again with
their pairs and clusters, after an ingest and after a rescan."""

import hashlib
import shutil

import pytest

from tests.pipeline.test_crash import TABLES
from tests.pipeline.test_e2e import dump
from tests.pipeline.test_readers import make_corpus
from vidfp.cli import main

pytestmark = pytest.mark.slow


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def ingest(src, db, *extra, cmd="ingest"):
    return main([cmd, str(src), "--db", str(db), "--engine", "local", "--fps", "4", *extra])


def test_missing_source_and_mass_removal_change_nothing(tmp_path, capsys):
    src = tmp_path / "src"
    make_corpus(src)  # 8 files: 6 clips, 2 of them copied
    db = tmp_path / "cat.duckdb"
    assert ingest(src, db) == 0
    full = dump(str(db), TABLES)
    assert any(size > 1 for *_, size in full["duplicate_clusters"])  # copies clustered
    before = digest(db)
    capsys.readouterr()

    for bad in (tmp_path / "srcc", "memory://nothing/here"):  # a typo, an unreachable URI
        assert ingest(bad, db) != 0
        err = capsys.readouterr().err
        assert "does not exist" in err and "nothing changed" in err and len(err.strip().splitlines()) == 1
        assert digest(db) == before

    empty = tmp_path / "empty"
    empty.mkdir()
    assert ingest(empty, db) != 0
    assert "no video files are under" in capsys.readouterr().err and digest(db) == before

    aside = tmp_path / "aside"
    aside.mkdir()
    for f in ("v0_copy.mp4", "v1_copy.mp4"):  # 2 of 8 = 25 % > 20 %
        shutil.move(src / f, aside / f)
    assert ingest(src, db) != 0
    err = capsys.readouterr().err
    assert "2 of the catalog's 8 videos (25%)" in err and "--allow-removal" in err
    assert digest(db) == before

    assert ingest(src, db, "--allow-removal") == 0
    gone = dump(str(db), TABLES)
    assert sum(v[9] == "missing" for v in gone["videos"]) == 2
    assert len(gone["duplicate_clusters"]) == 6

    for f in ("v0_copy.mp4", "v1_copy.mp4"):  # restored
        shutil.move(aside / f, src / f)
    assert ingest(src, db) == 0
    assert dump(str(db), TABLES) == full  # ok again, same pairs, segments and clusters

    shutil.move(src / "v0_copy.mp4", aside / "v0_copy.mp4")  # 1 of 8: under the limit
    assert ingest(src, db) == 0
    assert [v[9] for v in dump(str(db), TABLES)["videos"]].count("missing") == 1
    shutil.move(aside / "v0_copy.mp4", src / "v0_copy.mp4")
    assert ingest(src, db, cmd="rescan") == 0
    assert dump(str(db), TABLES) == full
