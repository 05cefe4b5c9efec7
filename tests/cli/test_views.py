"""The analyst views (vidfp/store/views.sql) against the same answers computed from the tables."""

import shutil

import cli_helpers
import duckdb
import pytest

from vidfp.store.catalog import Catalog

tiny_catalog = cli_helpers.tiny_catalog  # the fixture


@pytest.fixture
def catalog(tiny_catalog, tmp_path):
    db = str(tmp_path / "c.duckdb")
    shutil.copy(tiny_catalog[1], db)
    return db


def _reference_duplicates(con) -> dict:
    """(video_a, video_b) -> decided_by, from pair_scores, pair_verdicts and videos by plain Python."""
    ok = {v for (v,) in con.execute("SELECT video_id FROM videos WHERE status = 'ok'").fetchall()}
    scored = {(a, b): d for a, b, d in con.execute("SELECT video_a, video_b, is_duplicate FROM pair_scores").fetchall()}
    verdicts = {(a, b): v for a, b, v in con.execute("SELECT video_a, video_b, verdict FROM pair_verdicts").fetchall()}
    out = {}
    for pair in set(scored) | set(verdicts):
        if not (pair[0] in ok and pair[1] in ok):
            continue
        v = verdicts.get(pair)
        if v == "duplicate" or (v is None and scored.get(pair)):
            out[pair] = "verdict" if v else "score"
    return out


def _listed(con) -> dict:
    rows = con.execute("SELECT video_a, video_b, decided_by FROM duplicate_pairs").fetchall()
    return {(a, b): by for a, b, by in rows}


def test_duplicate_pairs_follow_scores_and_verdicts(catalog):
    con = duckdb.connect(catalog, read_only=True)
    before = _reference_duplicates(con)
    (dup,) = [p for p, by in before.items() if by == "score"]  # the tiny corpus has one copy pair
    non = tuple(
        con.execute(
            "SELECT video_a, video_b FROM pair_scores WHERE NOT is_duplicate ORDER BY similarity DESC LIMIT 1"
        ).fetchone()
    )
    got = _listed(con)
    assert got == before
    segs = con.execute("SELECT segments FROM duplicate_pairs WHERE video_a = ? AND video_b = ?", list(dup)).fetchone()[
        0
    ]
    ref = con.execute(
        "SELECT a_start_s, a_end_s, b_start_s, b_end_s, score FROM matched_segments "
        "WHERE video_a = ? AND video_b = ? ORDER BY seg_idx",
        list(dup),
    ).fetchall()
    assert [tuple(s.values()) for s in segs] == ref and len(ref) >= 1
    uris = con.execute("SELECT uri_a, uri_b FROM duplicate_pairs WHERE video_a = ?", [dup[0]]).fetchone()
    assert uris == tuple(con.execute("SELECT uri FROM videos WHERE video_id = ?", [v]).fetchone()[0] for v in dup)
    con.close()

    with Catalog(catalog) as cat:  # a user says: not a copy; and the other pair is one
        cat.set_verdict(*dup, "not_duplicate")
        cat.set_verdict(*non, "duplicate")
    con = duckdb.connect(catalog, read_only=True)
    got = _listed(con)
    assert got == _reference_duplicates(con) == {non: "verdict"}
    flat = con.execute("SELECT count(*) FROM duplicate_segments").fetchone()[0]
    assert (
        flat
        == con.execute("SELECT count(*) FROM matched_segments WHERE video_a = ? AND video_b = ?", list(non)).fetchone()[
            0
        ]
    )
    con.close()


def test_cluster_members_and_failed_files(catalog):
    con = duckdb.connect(catalog, read_only=True)
    members = con.execute(
        "SELECT cluster_id, video_id, uri, duration_s, file_uris FROM cluster_members ORDER BY video_id"
    ).fetchall()
    ref = con.execute(
        "SELECT c.cluster_id, c.video_id, v.uri, v.duration_s FROM duplicate_clusters c "
        "JOIN videos v USING (video_id) WHERE c.cluster_size > 1 ORDER BY c.video_id"
    ).fetchall()
    assert [m[:4] for m in members] == ref and len(ref) == 2
    assert all(m[2] in m[4] for m in members)
    failed = sorted(con.execute("SELECT uri, error FROM failed_files").fetchall())
    ref = sorted(
        con.execute(
            "SELECT f.uri, v.error FROM files f JOIN videos v USING (video_id) WHERE v.status = 'failed'"
        ).fetchall()
    )
    assert failed == ref and [u.rsplit("/", 1)[1] for u, _ in failed] == ["broken_text.mp4", "broken_truncated.mp4"]
    assert all(e for _, e in failed)
    con.close()


def test_sql_folder_holds_the_views_the_catalog_loads():
    import os

    from vidfp.store.catalog import views_sql

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert open(os.path.join(root, "sql", "views.sql")).read() == views_sql()
