"""vidfp search: a copy not in the catalog is found at rank 1 with the right moment; the
catalog is only read; candidates equal a brute-force reference."""

import hashlib
import json
import os
import subprocess
import sys

import duckdb
import pytest

from tests.search.catalog_fixture import QUERY_TRUTH, private_copy, shared_catalog, video_ids
from vidfp.eval.queries import moment_iou
from vidfp.search import CatalogUnreadable, IncompatibleQuery, SearchIndex, search


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    return shared_catalog(tmp_path_factory)


def _tree_digest(folder: str) -> dict[str, str]:
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(root, f)
            out[os.path.relpath(p, folder)] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    return out


def test_copy_outside_catalog_found_at_rank_1_with_its_moment(cat):
    q = os.path.join(cat["queries"], "query_chelsea.mp4")
    source, q_range, v_range = QUERY_TRUTH["query_chelsea.mp4"]
    (res,) = search([q], cat["db"], top=5)
    assert res.error is None and res.n_frames > 0
    best = res.hits[0]
    assert best.video_id == video_ids(cat["db"])[source]
    assert best.is_duplicate and best.similarity > 0.65
    ious = [
        moment_iou((m.query_start_s, m.query_end_s, m.video_start_s, m.video_end_s), (*q_range, *v_range))
        for m in best.moments
    ]
    assert max(ious) >= 0.8, best.moments
    # everything else is far below: the other journeys share no content with the query
    assert all(h.similarity < 0.3 for h in res.hits[1:])
    assert [h.rank for h in res.hits] == list(range(1, len(res.hits) + 1))


def test_partial_copy_is_found_with_where_it_sits(cat):
    """The host with 3 s of coffee_circle inserted (at 3 s, from coffee's 2 s): a partial copy."""
    ids = video_ids(cat["db"])
    (res,) = search([os.path.join(cat["corpus"], "grass_host.mp4")], cat["db"])
    hit = next(h for h in res.hits if h.video_id == ids["coffee_circle.mp4"])
    assert hit.is_partial and not hit.is_duplicate
    (m,) = hit.moments
    assert moment_iou((m.query_start_s, m.query_end_s, m.video_start_s, m.video_end_s), (3, 6, 2, 5)) >= 0.8


@pytest.mark.parametrize("query", ["query_chelsea.mp4", "grass_host.mp4"])
def test_moments_are_refined_between_samples(cat, query):
    """The linked hits' moments are refined on frames between the samples (vidfp.pipeline.refine):
    never further from the truth than the sampled ones (the whole-video chelsea match has nothing to
    refine), closer for the partial copy, and close."""
    from dataclasses import replace

    folder = cat["queries"] if query.startswith("query") else cat["corpus"]
    truth = QUERY_TRUTH.get(query) or ("coffee_circle.mp4", (3, 6), (2, 5))
    index = SearchIndex(cat["db"])
    target = video_ids(cat["db"])[truth[0]]

    def best_iou():
        (res,) = index.search([os.path.join(folder, query)])
        hit = next(h for h in res.hits if h.video_id == target)
        return max(
            moment_iou((m.query_start_s, m.query_end_s, m.video_start_s, m.video_end_s), (*truth[1], *truth[2]))
            for m in hit.moments
        )

    refined = best_iou()
    index.settings = replace(index.settings, scoring=replace(index.settings.scoring, refine_fps=0.0))
    sampled = best_iou()
    assert refined >= sampled and refined >= 0.9, (refined, sampled)
    if query == "grass_host.mp4":  # the partial copy, whose sampled ends are off by the sampling phase
        assert refined > sampled + 0.05, (refined, sampled)


def test_votes_equal_brute_force_reference(cat):
    """The FAISS vote over the catalog's frames = every cosine similarity computed and sorted in numpy."""
    from vidfp.pipeline.match import load_records
    from vidfp.search.frames import votes_reference

    index = SearchIndex(cat["db"])
    queries = [os.path.join(cat["queries"], "query_chelsea.mp4"), os.path.join(cat["corpus"], "grass_host.mp4")]
    encoded = index.encode(queries)
    catalog = load_records(list(index.rows.values()))
    for q in queries:
        for floor in (None, 0.0):  # the catalog's min_frame_sim, and the search's default
            got = dict(index.frames.votes(encoded[q], index.encoder.flip, floor))
            ref = votes_reference(encoded[q], catalog, index.settings.candidates, index.encoder.flip, floor)
            assert set(got) == set(ref)  # < max_per_video videos: all of them are kept
            for v, s in ref.items():
                assert got[v] == pytest.approx(s, abs=1e-4)


def test_a_video_holding_all_of_the_query_ranks_before_one_holding_a_part(cat, monkeypatch):
    """Duplicates, then partial copies, then unlinked videos; similarity only orders within a tier
    (a copy's query matches the host of a piece of its source as closely as the source on that piece)."""
    from vidfp.similarity.scoring import PairResult

    index = SearchIndex(cat["db"])
    q = os.path.join(cat["queries"], "query_chelsea.mp4")
    rec = index.encode([q])[q]
    vids = [v for v, _ in index.frames.votes(rec, index.encoder.flip, 0.0)]
    assert len(vids) >= 3
    kinds = {vids[0]: (0.5, False, False), vids[1]: (0.7, True, False), vids[2]: (0.9, False, True)}

    def fake_score(a, b):
        sim, dup, part = kinds.get(b.video_id, (0.1, False, False))
        return PairResult(a.video_id, b.video_id, sim, dup, is_partial=part)

    monkeypatch.setattr(index.scorer, "score", fake_score)
    hits = index.hits_for(rec, top=10)
    assert [h.video_id for h in hits[:3]] == [vids[1], vids[2], vids[0]]
    assert [h.similarity for h in hits[:3]] == [0.7, 0.9, 0.5]


def test_search_never_writes_the_catalog(cat):
    folder = os.path.dirname(cat["db"])
    before = {k: v for k, v in _tree_digest(folder).items() if not k.startswith(("corpus", "queries"))}
    search([os.path.join(cat["queries"], "query_chelsea.mp4")], cat["db"])
    after = {k: v for k, v in _tree_digest(folder).items() if not k.startswith(("corpus", "queries"))}
    assert after == before


_HOLD_WRITER = """
import sys, time
db = sys.argv[1]
try:
    from vidfp.store.writer import open_writer   # published snapshots: writers work on a private copy
    ctx = open_writer(db)
except ImportError:
    from vidfp.store.catalog import Catalog
    ctx = Catalog(db)
with ctx as cat:
    cat.con.execute("INSERT INTO runs (run_id, kind, status) VALUES ('held', 'ingest', 'running')")
    print("ready", flush=True)
    time.sleep(60)
"""


def test_search_while_a_writer_holds_the_catalog(cat, tmp_path):
    """With published snapshots (vidfp.store.writer) search works during a run; without them the
    reader gets a one-line reason, never a DuckDB traceback."""
    db = private_copy(cat, str(tmp_path))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), *sys.path])}
    p = subprocess.Popen([sys.executable, "-c", _HOLD_WRITER, db], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert p.stdout.readline().strip() == "ready"
        q = os.path.join(cat["queries"], "query_chelsea.mp4")
        try:
            import vidfp.store.writer  # noqa: F401
        except ImportError:
            with pytest.raises(CatalogUnreadable, match="open for writing by another process"):
                search([q], db)
        else:
            (res,) = search([q], db)
            assert res.hits[0].video_id == video_ids(cat["db"])["chelsea_zigzag.mp4"]
    finally:
        p.kill()
        p.wait()


def test_unreadable_query_is_reported_not_raised(cat, tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 1000)
    good = os.path.join(cat["queries"], "query_chelsea.mp4")
    res = search([str(bad), good, str(tmp_path / "gone.mp4")], cat["db"])
    assert res[0].error and not res[0].hits
    assert res[1].error is None and res[1].hits
    assert "not found" in res[2].error


def test_other_feature_key_is_refused(cat, tmp_path):
    db = private_copy(cat, str(tmp_path))
    con = duckdb.connect(db)
    con.execute("UPDATE videos SET feature_key = 'other-sampling'")
    con.close()
    with pytest.raises(IncompatibleQuery, match="cannot encode queries"):
        search([os.path.join(cat["queries"], "query_chelsea.mp4")], db)


def test_missing_catalog_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogUnreadable, match="no catalog"):
        search(["x.mp4"], str(tmp_path / "none.duckdb"))


def test_cli_json_and_text(cat, capsys):
    from vidfp.cli import main

    q = os.path.join(cat["queries"], "query_chelsea.mp4")
    assert main(["search", q, "--db", cat["db"], "--top", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["query"] == q and len(out[0]["hits"]) <= 2
    assert out[0]["hits"][0]["uri"].endswith("chelsea_zigzag.mp4")
    assert {"query_start_s", "video_end_s"} <= set(out[0]["hits"][0]["moments"][0])
    assert main(["search", q, "--db", cat["db"]]) == 0
    text = capsys.readouterr().out
    assert "chelsea_zigzag.mp4" in text and "↔" in text
    assert main(["search", q, "--db", os.path.join(cat["root"], "nope.duckdb")]) == 2


def test_eval_queries_cli(cat, tmp_path, capsys):
    from vidfp.cli import main

    truth = {
        "videos": {
            "query_chelsea.mp4": {"group": "g", "transform": "subclip"},
            "chelsea_zigzag.mp4": {"group": "g", "transform": "none"},
        },
        "groups": {"g": ["chelsea_zigzag.mp4", "query_chelsea.mp4"]},
        "segments": [
            {
                "a": "chelsea_zigzag.mp4",
                "b": "query_chelsea.mp4",
                "a_start_s": 3.0,
                "a_end_s": 7.0,
                "b_start_s": 0.0,
                "b_end_s": 4.0,
            }
        ],
    }
    path = tmp_path / "truth.json"
    path.write_text(json.dumps(truth))
    assert main(["eval", "--truth", str(path), "--db", cat["db"], "--queries", cat["queries"]]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["queries"] == 1 and res["p@1"] == 1.0 and res["map"] == 1.0 and res["moment_found"] == 1.0
    # the same answer with a wrong truth moment does not count
    truth["segments"][0].update(a_start_s=0.0, a_end_s=1.0, b_start_s=3.0, b_end_s=4.0)
    path.write_text(json.dumps(truth))
    assert main(["eval", "--truth", str(path), "--db", cat["db"], "--queries", cat["queries"]]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["p@1"] == 0.0 and res["moment_found"] == 0.0


@pytest.mark.slow
def test_prefect_flow_search_adhoc(cat):
    from prefect.testing.utilities import prefect_test_harness

    from flows.search import adhoc_deployment, search_flow

    q = os.path.join(cat["queries"], "query_chelsea.mp4")
    with prefect_test_harness(server_startup_timeout=120):
        out = search_flow(queries=[q], catalog=cat["db"], top=3)
    assert out[0]["hits"][0]["uri"].endswith("chelsea_zigzag.mp4")
    assert adhoc_deployment(cat["db"]).name == "adhoc"


def test_a_catalog_from_before_framing_keeps_its_feature_key():
    """runs.config written before the framing fields existed: those runs had no framing, so search must
    rebuild that (else the feature key differs and every query is refused)."""
    from vidfp.config import DecodeConfig, IngestConfig
    from vidfp.search.settings import _from_dict

    old = {"fps": 2.0, "max_frames": 600, "remove_borders": True}  # what a first-release run stored
    dec = _from_dict(DecodeConfig, old)
    assert not dec.blurred_fill and not dec.find_inset and dec.fps == 2.0
    then = IngestConfig(decode=DecodeConfig(blurred_fill=False, find_inset=False, framing_side=0)).fingerprint_key("e")
    assert IngestConfig(decode=dec).fingerprint_key("e") == then
    new = _from_dict(DecodeConfig, {**old, "blurred_fill": True, "find_inset": True})
    assert new.blurred_fill and new.find_inset  # a stored value always wins
    assert IngestConfig(decode=new).fingerprint_key("e") != then


def test_a_catalog_from_before_framing_at_full_size_keeps_its_feature_key():
    """A run stored before ``framing_side`` existed framed on the encoder-size frames: its key is the
    hash of the payload of that version (written out here), and search rebuilds exactly that."""
    import hashlib
    import json

    from vidfp.config import FEATURE_LAYOUT, DecodeConfig, IngestConfig
    from vidfp.search.settings import _from_dict

    stored = {"fps": 2.0, "max_frames": 600, "remove_borders": True, "blurred_fill": True, "find_inset": True}
    payload = {"encoder": "e", "fps": 2.0, "max": 600, "borders": True, "layout": FEATURE_LAYOUT}
    payload.update({"fill": True, "inset": True})
    then = hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]
    dec = _from_dict(DecodeConfig, stored)
    assert dec.framing_side == 0 and IngestConfig(decode=dec).fingerprint_key("e") == then
    now = IngestConfig(decode=DecodeConfig()).fingerprint_key("e")
    assert DecodeConfig().framing_side > 0 and now != then  # today's default fingerprints anew


def test_a_catalog_from_before_the_camera_floor_is_scored_as_it_was():
    """Search and review score against stored pairs with the catalog's own settings: a run stored
    before camera_min_peak existed used the old floor 0.05, not today's default."""
    from vidfp.config import ScoringConfig
    from vidfp.search.settings import _from_dict

    assert _from_dict(ScoringConfig, {"alpha": 0.6}).camera_min_peak == 0.05
    assert _from_dict(ScoringConfig, {"alpha": 0.6}).path_trim == 0.0  # paths were not trimmed then
    assert ScoringConfig().path_trim > 0 and _from_dict(ScoringConfig, {"path_trim": 0.25}).path_trim == 0.25
    assert _from_dict(ScoringConfig, {"alpha": 0.3}).camera_lags_s == ()  # step by step then
    assert ScoringConfig().camera_lags_s and _from_dict(ScoringConfig, {"camera_lags_s": [2.0]}).camera_lags_s == (2.0,)
    # uncorrected for the tracks' reliability then; a run that stored the floor keeps it
    assert _from_dict(ScoringConfig, {"alpha": 0.3}).camera_reliability_floor is None
    assert _from_dict(ScoringConfig, {"camera_reliability_floor": 0.6}).camera_reliability_floor == 0.6
    assert _from_dict(ScoringConfig, {"alpha": 0.6, "camera_min_peak": 0.3}).camera_min_peak == 0.3
    assert ScoringConfig().camera_min_peak == 0.3
