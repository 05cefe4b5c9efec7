"""evaluate_catalog on a hand-made catalog: which pairs segment AP judges."""

import json

import duckdb
import pytest

from vidfp.eval.report import evaluate_catalog
from vidfp.store.catalog import schema_sql

# s: a source, c: its copy, k: a compilation holding 2 s of s, d: an unrelated video
TRUTH = {
    "videos": {
        "s.mp4": {"group": "g", "role": "original"},
        "c.mp4": {"group": "g", "role": "copy"},
        "k.mp4": {"group": None, "role": "compilation"},
        "d.mp4": {"group": None, "role": "distractor"},
    },
    "groups": {"g": ["s.mp4", "c.mp4"]},
    "hard_negative_pairs": [],
    "segments": [
        {"a": "s.mp4", "b": "c.mp4", "a_start_s": 0, "a_end_s": 10, "b_start_s": 0, "b_end_s": 10},
        {"a": "s.mp4", "b": "k.mp4", "a_start_s": 4, "a_end_s": 6, "b_start_s": 0, "b_end_s": 2},
    ],
    "broken": {},
}


def _catalog(tmp_path, extra: list[tuple]) -> str:
    db = str(tmp_path / "c.duckdb")
    con = duckdb.connect(db)
    con.execute(schema_sql())
    for v in ("s", "c", "k", "d"):
        con.execute("INSERT INTO files (uri, video_id) VALUES (?, ?)", [f"/x/{v}.mp4", v])
        con.execute("INSERT INTO videos (video_id, uri, status) VALUES (?, ?, 'ok')", [v, f"/x/{v}.mp4"])
    con.execute("INSERT INTO duplicate_clusters VALUES ('g', 's', 2), ('g', 'c', 2)")
    segs = [("c", "s", 0, 10, 0, 10, 0.9), ("k", "s", 0, 2, 4, 6, 0.8), *extra]
    for a, b, *box, sc in segs:
        con.execute(
            "INSERT INTO pair_scores (video_a, video_b, similarity, is_duplicate) VALUES (?, ?, ?, ?)",
            [a, b, sc, a == "c"],
        )
        con.execute("INSERT INTO matched_segments VALUES (?, ?, 0, ?, ?, ?, ?, ?)", [a, b, *box, sc])
    con.close()
    return db


@pytest.fixture
def truth(tmp_path):
    p = tmp_path / "truth.json"
    p.write_text(json.dumps(TRUTH))
    return str(p)


def test_a_compilations_piece_found_in_a_copy_of_its_source_is_not_judged(tmp_path, truth):
    """The piece k holds is in c too (c copies s): that segment is neither right nor wrong by the
    truth, as the (c, k) pair's score is not judged for µAP; it must not count as a false one."""
    r = evaluate_catalog(truth, _catalog(tmp_path, [("c", "k", 0, 2, 4, 6, 0.95)]))
    assert r["segment_ap"] == pytest.approx(1.0)
    assert r["micro_ap"] == pytest.approx(1.0)


def test_a_false_segment_between_judged_videos_still_counts(tmp_path, truth):
    r = evaluate_catalog(truth, _catalog(tmp_path, [("c", "d", 0, 2, 4, 6, 0.95)]))
    assert r["segment_ap"] < 0.9


def test_copy_pairs_the_candidates_never_proposed_are_counted(tmp_path, truth):
    """(s, c) and (s, k) are scored here; without (s, c) in pair_scores it is a copy pair never scored."""
    db = _catalog(tmp_path, [])
    r = evaluate_catalog(truth, db)
    assert r["copy_pairs_unscored"] == 0 and r["copy_pairs_unscored_list"] == []
    con = duckdb.connect(db)
    con.execute("DELETE FROM pair_scores WHERE video_a = 'c' AND video_b = 's'")
    con.close()
    r = evaluate_catalog(truth, db)
    assert r["copy_pairs_unscored"] == 1 and r["copy_pairs_unscored_list"] == ["c.mp4 ~ s.mp4"]
    assert r["copy_over_hard_negative"] == 1.0  # no hard pairs in this truth: nothing to rank against
