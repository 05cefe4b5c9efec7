"""The review app through its HTTP interface: pages, pictures, files, verdicts, safety."""

import hashlib
import os
import re

import duckdb
import pytest
from starlette.testclient import TestClient

from tests.search.catalog_fixture import private_copy, shared_catalog, video_ids
from vidfp.review.app import create_app

TOKEN = "test-token"


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    return shared_catalog(tmp_path_factory)


def client(db, tmp_path, hosts=None, **kw):
    app = create_app(db, token=TOKEN, allowed_hosts=hosts, thumbs_dir=str(tmp_path / "thumbs"))
    return TestClient(app, **kw)


def pair_ids(db, x, y):
    ids = video_ids(db)
    return tuple(sorted((ids[x], ids[y])))


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_cluster_list_cluster_and_pair_pages(cat, tmp_path):
    c = client(cat["db"], tmp_path)
    ids = video_ids(cat["db"])
    for sort in ("size", "similarity", "weakest"):
        r = c.get(f"/?sort={sort}")
        assert r.status_code == 200 and "astronaut_pan_copy.mp4" in r.text
    r = c.get("/")
    (cid,) = re.findall(r'href="/cluster/([^"]+)"', r.text)  # one cluster with copies
    assert f'src="/thumb/{ids["astronaut_pan.mp4"]}.jpg' in r.text
    r = c.get(f"/cluster/{cid}")
    assert r.status_code == 200
    links = re.findall(r'href="(/pair/[^"]+)"', r.text)
    a, b = pair_ids(cat["db"], "astronaut_pan.mp4", "astronaut_pan_copy.mp4")
    assert links == [f"/pair/{a}/{b}"]
    r = c.get(links[0])
    assert r.status_code == 200
    for text in (
        "Duplicate: similarity",
        "camera motion",
        "coverage",
        "Where they match",
        f"/media/{a}#t=",
        f"/plot/{a}/{b}/matrix.png",
        f"/plot/{a}/{b}/timeline.png",
        'name="token" value="test-token"',
    ):
        assert text in r.text, text
    for kind in ("matrix", "timeline"):
        img = c.get(f"/plot/{a}/{b}/{kind}.png")
        assert img.status_code == 200 and img.headers["content-type"] == "image/png"
        assert img.content[:8] == b"\x89PNG\r\n\x1a\n"
    r = c.get("/partial")
    assert "grass_host.mp4" in r.text and "coffee_circle.mp4" in r.text
    assert c.get(f"/video/{a}").status_code == 200


def test_media_serves_only_files_the_catalog_lists(cat, tmp_path):
    c = client(cat["db"], tmp_path)
    ids = video_ids(cat["db"])
    vid = ids["chelsea_zigzag.mp4"]
    path = os.path.join(cat["corpus"], "chelsea_zigzag.mp4")
    r = c.get(f"/media/{vid}")
    assert r.status_code == 200 and r.content == open(path, "rb").read()
    assert r.headers["content-type"] == "video/mp4"
    part = c.get(f"/media/{vid}", headers={"Range": "bytes=0-99"})  # <video> seeks with ranges
    assert part.status_code == 206 and part.content == open(path, "rb").read()[:100]
    for bad in (
        "/media/..%2F..%2F..%2Fetc%2Fpasswd",
        "/media/%2Fetc%2Fpasswd",
        "/media/../../etc/passwd",
        "/media/" + "0" * 16,
        "/media/" + ids["broken.mp4"] + "x",
        "/media/a%00b",
        "/thumb/..%2Fcat.jpg",
        "/media/" + cat["db"].replace("/", "%2F"),
    ):
        r = c.get(bad)
        assert r.status_code == 404, bad
        assert b"root:" not in r.content
    r = c.get("/media/..")  # the client resolves it to "/": the cluster list, no file
    assert r.headers["content-type"].startswith("text/html")


def test_verdict_needs_the_session_token_and_reclusters(cat, tmp_path):
    db = private_copy(cat, str(tmp_path / "cat"))
    c = client(db, tmp_path, follow_redirects=False)
    a, b = pair_ids(db, "astronaut_pan.mp4", "astronaut_pan_copy.mp4")
    before = digest(db)
    for form in (
        {"a": a, "b": b, "verdict": "not_duplicate"},
        {"a": a, "b": b, "verdict": "not_duplicate", "token": "guess"},
        {"a": a, "b": b, "verdict": "not_duplicate", "token": ""},
    ):
        assert c.post("/verdict", data=form).status_code == 403
    assert c.post("/verdict", content=f"a={a}&b={b}&verdict=not_duplicate&token={TOKEN}").status_code == 400
    unknown = {"a": a, "b": "0" * 16, "verdict": "not_duplicate", "token": TOKEN}
    assert c.post("/verdict", data=unknown).status_code == 400
    assert c.post("/verdict", data={"a": a, "b": b, "verdict": "maybe", "token": TOKEN}).status_code == 400
    assert digest(db) == before  # nothing written by refused requests
    r = c.post("/verdict", data={"a": b, "b": a, "verdict": "not_duplicate", "token": TOKEN})
    assert r.status_code == 303 and r.headers["location"] == f"/pair/{a}/{b}?saved=not_duplicate"
    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT video_a, video_b, verdict FROM pair_verdicts").fetchall()
        cl = dict(con.execute("SELECT video_id, cluster_id FROM duplicate_clusters").fetchall())
    finally:
        con.close()
    assert rows == [(a, b, "not_duplicate")]
    assert cl[a] != cl[b]  # the verdict split their cluster
    page = c.get(f"/pair/{a}/{b}?saved=not_duplicate").text
    assert "Saved: not duplicate" in page and "you: not duplicate" in page and "Your verdict: not duplicate" in page


def test_vanished_and_broken_files_show_placeholders(cat, tmp_path):
    db = private_copy(cat, str(tmp_path / "cat"))
    ids = video_ids(db)
    gone, bad = ids["astronaut_pan_copy.mp4"], ids["coffee_circle.mp4"]
    con = duckdb.connect(db)
    con.execute("UPDATE videos SET uri = ? WHERE video_id = ?", [str(tmp_path / "moved away.mp4"), gone])
    con.execute("UPDATE files SET uri = ? WHERE video_id = ?", [str(tmp_path / "moved away.mp4"), gone])
    broken = str(tmp_path / "damaged.mp4")  # truncated after the scan
    data = open(os.path.join(cat["corpus"], "coffee_circle.mp4"), "rb").read()
    open(broken, "wb").write(data[: len(data) // 3])
    con.execute("UPDATE videos SET uri = ? WHERE video_id = ?", [broken, bad])
    con.execute("UPDATE files SET uri = ? WHERE video_id = ?", [broken, bad])
    con.close()
    c = client(db, tmp_path)
    real = client(cat["db"], tmp_path / "other").get(f"/thumb/{gone}.jpg?t=2")
    for vid in (gone, bad):
        r = c.get(f"/thumb/{vid}.jpg?t=2")
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        assert r.content != real.content and r.content[:2] == b"\xff\xd8"
    a, b = sorted((ids["astronaut_pan.mp4"], gone))
    page = c.get(f"/pair/{a}/{b}")
    assert page.status_code == 200 and "File missing" in page.text and f"/media/{gone}" not in page.text
    assert c.get(f"/plot/{a}/{b}/timeline.png").status_code == 200
    assert c.get(f"/media/{gone}").status_code == 404
    a2, b2 = sorted((ids["grass_host.mp4"], bad))
    assert c.get(f"/pair/{a2}/{b2}").status_code == 200
    assert c.get(f"/plot/{a2}/{b2}/timeline.png").status_code == 200


def test_lost_shards_give_a_placeholder_matrix(cat, tmp_path):
    db = private_copy(cat, str(tmp_path / "cat"))
    con = duckdb.connect(db)
    con.execute("UPDATE videos SET shard_uri = ? WHERE status = 'ok'", [str(tmp_path / "gone.parquet")])
    con.close()
    a, b = pair_ids(db, "astronaut_pan.mp4", "astronaut_pan_copy.mp4")
    r = client(db, tmp_path).get(f"/plot/{a}/{b}/matrix.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"


def test_unknown_things_are_404_pages(cat, tmp_path):
    c = client(cat["db"], tmp_path)
    for url in (
        "/cluster/nope",
        "/pair/" + "0" * 16 + "/" + "1" * 16,
        "/video/zzz",
        "/thumb/zzz.jpg",
        "/plot/a/b/other.png",
        "/cluster/%3Cscript%3E",
    ):
        r = c.get(url)
        assert r.status_code == 404 and "<script>" not in r.text, url


def test_only_loopback_host_names_are_served(cat, tmp_path):
    c = client(cat["db"], tmp_path, hosts=("127.0.0.1", "localhost"), base_url="http://127.0.0.1:8765")
    assert c.get("/").status_code == 200
    assert c.get("/", headers={"host": "evil.example:8765"}).status_code == 400  # DNS rebinding


def test_browsing_writes_nothing(cat, tmp_path):
    db = private_copy(cat, str(tmp_path / "cat"))
    before = {f: digest(os.path.join(tmp_path / "cat", f)) for f in os.listdir(tmp_path / "cat")}
    c = client(db, tmp_path)
    a, b = pair_ids(db, "grass_host.mp4", "coffee_circle.mp4")
    for url in (
        "/",
        "/?sort=similarity",
        "/partial",
        f"/pair/{a}/{b}",
        f"/plot/{a}/{b}/matrix.png",
        f"/plot/{a}/{b}/timeline.png",
        f"/thumb/{a}.jpg",
        f"/media/{a}",
        f"/video/{a}",
    ):
        assert c.get(url).status_code == 200, url
    after = {f: digest(os.path.join(tmp_path / "cat", f)) for f in os.listdir(tmp_path / "cat")}
    assert after == before


def test_search_box(cat, tmp_path):
    c = client(cat["db"], tmp_path)
    q = os.path.join(cat["queries"], "query_chelsea.mp4")
    assert c.get("/search", params={"q": q}).status_code == 403
    r = c.get("/search", params={"q": q, "token": TOKEN})
    assert r.status_code == 200
    first = re.search(r"<td>1</td>.*?</tr>", r.text, re.S).group(0)
    assert "chelsea_zigzag.mp4" in first
    # the copied range in the catalog video (query ↔ catalog): 3.0–7.0 s, within half a 2-frames/s step
    m, sec = re.search(r"↔ (\d+):(\d+\.\d)–", first).groups()
    assert abs(60 * int(m) + float(sec) - 3.0) <= 0.25, first
    r = c.get("/search", params={"q": str(tmp_path / "none.mp4"), "token": TOKEN})
    assert r.status_code == 200 and "could not be read" in r.text


def test_pair_matrix_is_the_scorers(cat):
    """The recomputed matrix's best path is the one the stored segment came from."""
    from vidfp.pipeline.refine import WINDOW_STEPS
    from vidfp.review.data import CatalogReader
    from vidfp.review.pairview import PairMatrices
    from vidfp.search.settings import read_settings
    from vidfp.similarity.refine import shifts
    from vidfp.similarity.scoring import run_bounds, sample_step

    a, b = pair_ids(cat["db"], "grass_host.mp4", "coffee_circle.mp4")
    p = CatalogReader(cat["db"]).pair(a, b)
    pm = PairMatrices(read_settings(cat["db"])).compute(p.a, p.b, p.flipped)
    (seg,) = p.segments
    path = pm.paths[0]
    # the stored segment is the path's run of samples (similarity.scoring.run_bounds), its ends then
    # refined on frames between the samples (a partial copy: pipeline.refine): within the end window
    # (± WINDOW_STEPS steps and half a fine step) plus the largest offset correction (shifts); same rate
    h = max(sample_step(pm.t_a), sample_step(pm.t_b))
    dt = 1.0 / read_settings(cat["db"]).scoring.refine_fps
    tol = WINDOW_STEPS * h + dt / 2 + float(shifts(h, dt).max()) + 1e-6
    for t, idx, (start, end) in ((pm.t_a, path.i, seg[0:2]), (pm.t_b, path.j, seg[2:4])):
        s0, s1 = run_bounds(t, int(idx[0]), int(idx[-1]))
        assert abs(s0 - start) <= tol and abs(s1 - end) <= tol
    assert pm.sim.shape == (p.a.n_frames, p.b.n_frames)
    assert float(pm.sim[path.i, path.j].mean()) == pytest.approx(seg[4], abs=1e-5)


def test_pair_matrices_read_each_shard_once(cat):
    """A report draws many pairs over the same videos: each shard is read once, not twice per pair,
    and the cached records give the matrices a fresh read gives."""
    import numpy as np

    from vidfp.review.data import CatalogReader
    from vidfp.review.pairview import PairMatrices
    from vidfp.search.settings import read_settings

    con = duckdb.connect(cat["db"], read_only=True)
    pairs = con.execute(
        "SELECT video_a, video_b, flipped FROM pair_scores ORDER BY similarity DESC LIMIT 12"
    ).fetchall()
    n_shards = con.execute("SELECT count(DISTINCT shard_uri) FROM videos WHERE status = 'ok'").fetchone()[0]
    con.close()
    assert len(pairs) >= 4
    reader, settings = CatalogReader(cat["db"]), read_settings(cat["db"])
    pm = PairMatrices(settings, cached_shards=n_shards)
    for a, b, flipped in pairs:
        p = reader.pair(a, b)
        fresh = PairMatrices(settings).compute(p.a, p.b, flipped)
        assert np.array_equal(pm.compute(p.a, p.b, flipped).sim, fresh.sim)
    assert pm.shard_reads == n_shards  # not 2 per pair


def test_pair_fields_are_the_catalogs_columns(cat):
    """Every Pair field reads its own pair_scores column (a positional read shifts when a column is added)."""
    from vidfp.review.data import CatalogReader

    a, b = pair_ids(cat["db"], "astronaut_pan.mp4", "astronaut_pan_copy.mp4")
    p = CatalogReader(cat["db"]).pair(a, b)
    con = duckdb.connect(cat["db"], read_only=True)
    row = con.execute(
        "SELECT similarity, semantic, nonsemantic, frame_sim, deriv_score, traj_score, motion_score, camera_score, "
        "activity_score, coverage, path_frames, flipped, votes FROM pair_scores WHERE video_a = ? AND video_b = ?",
        [a, b],
    ).fetchone()
    con.close()
    comp = ("semantic", "nonsemantic", "frame_sim", "deriv", "traj", "motion", "camera", "activity")
    got = (p.similarity, *(p.components[k] for k in comp), p.coverage, p.path_frames, p.flipped, p.votes)
    assert got == row and p.path_frames > 1 and p.votes > 0
