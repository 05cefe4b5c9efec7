"""`vidfp verdict` names real pairs: paths (as listed, or relative as typed) and ids resolve;
unknown videos and self-pairs are refused with one line, a non-zero exit and no change."""

import hashlib
import os

import duckdb

from vidfp.cli import main
from vidfp.store.writer import open_writer


def make_catalog(tmp_path):
    db = str(tmp_path / "c.duckdb")
    src = tmp_path / "videos"
    src.mkdir()
    ids = {"a.mp4": "aaaa", "b.mp4": "bbbb", "c d.mp4": "cccc"}
    with open_writer(db) as cat:
        cat.upsert(
            [{"video_id": v, "uri": str(src / n), "status": "ok"} for n, v in ids.items()],
            [
                {"uri": str(src / n), "video_id": v, "size_bytes": 1, "mtime": 1.0, "run_id": "r"}
                for n, v in ids.items()
            ],
        )
    return db, src


def state(db):
    con = duckdb.connect(db, read_only=True)
    try:
        return (
            con.execute("SELECT video_a, video_b, verdict FROM pair_verdicts ORDER BY ALL").fetchall(),
            dict(con.execute("SELECT video_id, cluster_id FROM duplicate_clusters").fetchall()),
        )
    finally:
        con.close()


def test_verdict_resolves_paths_and_ids(tmp_path, monkeypatch, capsys):
    db, src = make_catalog(tmp_path)
    monkeypatch.chdir(src)
    assert main(["verdict", "b.mp4", "./c d.mp4", "duplicate", "--db", db]) == 0  # relative, as typed
    assert main(["verdict", "aaaa", f"file://{src}/b.mp4", "not_duplicate", "--db", db]) == 0  # id and URI
    verdicts, clusters = state(db)
    assert verdicts == [("aaaa", "bbbb", "not_duplicate"), ("bbbb", "cccc", "duplicate")]
    assert clusters == {"aaaa": "aaaa", "bbbb": "bbbb", "cccc": "bbbb"}


def test_unknown_videos_and_self_pairs_are_refused(tmp_path, monkeypatch, capsys):
    db, src = make_catalog(tmp_path)
    monkeypatch.chdir(src)
    before = hashlib.sha256(open(db, "rb").read()).hexdigest()
    capsys.readouterr()
    for args, message in (
        (["a.mp4", "nope.mp4"], "no video in catalog"),
        (["zzzz", "bbbb"], "no video in catalog"),
        (["a.mp4", "aaaa"], "are the same video (aaaa)"),
        ([os.path.join(str(src), "b.mp4"), "./b.mp4"], "are the same video (bbbb)"),
    ):
        assert main(["verdict", *args, "duplicate", "--db", db]) == 2, args
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
    assert hashlib.sha256(open(db, "rb").read()).hexdigest() == before
    assert state(db)[0] == []
