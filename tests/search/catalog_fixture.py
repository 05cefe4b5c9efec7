"""A small real catalog for the search and review tests (built once per test session).

Camera journeys through scikit-image photos (8 s, 10 frames/s, 144×192):
- ``astronaut_pan`` and its re-encoded copy (a duplicate pair, one cluster),
- ``astronaut_reverse``: the same place on another path (a scored pair that is no copy),
- ``coffee_circle``, ``chelsea_zigzag``, ``rocket_pan``,
- ``grass_host``: a grass journey with 3 s of ``coffee_circle`` inserted (a partial copy),
- ``broken.mp4``: not a video (a failed row).

Queries (outside the catalog folder): ``query_chelsea.mp4`` = ``chelsea_zigzag`` from 3 s to 7 s,
re-encoded at another quality (truth in QUERY_TRUTH).
"""

from __future__ import annotations

import os
import shutil

import numpy as np

FPS = 10.0
QUERY_TRUTH = {"query_chelsea.mp4": ("chelsea_zigzag.mp4", (0.0, 4.0), (3.0, 7.0))}  # query, catalog range


def _journey(photo_name: str, kind: str, seed: int) -> np.ndarray:
    from vidfp.corpus.journeys import path_points, render_journey
    from vidfp.corpus.media import photo

    c, z = path_points(kind, int(8 * FPS), np.random.default_rng(seed))
    return render_journey(photo(photo_name), c, z, (144, 192))


def build(root: str) -> dict[str, str]:
    """Write the corpus, the query and the catalog under ``root``; returns their paths."""
    from vidfp.config import DecodeConfig, IngestConfig
    from vidfp.corpus.media import write_video
    from vidfp.encoders import get_encoder
    from vidfp.pipeline import run_ingest

    corpus, queries = os.path.join(root, "corpus"), os.path.join(root, "queries")
    os.makedirs(corpus)
    os.makedirs(queries)
    pan = _journey("astronaut", "pan", 0)
    write_video(os.path.join(corpus, "astronaut_pan.mp4"), pan, FPS)
    write_video(os.path.join(corpus, "astronaut_pan_copy.mp4"), pan, FPS, crf=35)
    write_video(os.path.join(corpus, "astronaut_reverse.mp4"), _journey("astronaut", "reverse", 1), FPS)
    coffee = _journey("coffee", "circle", 2)
    write_video(os.path.join(corpus, "coffee_circle.mp4"), coffee, FPS)
    chelsea = _journey("chelsea", "zigzag", 3)
    write_video(os.path.join(corpus, "chelsea_zigzag.mp4"), chelsea, FPS)
    write_video(os.path.join(corpus, "rocket_pan.mp4"), _journey("rocket", "pan", 4), FPS)
    host = _journey("grass", "circle", 5)
    write_video(os.path.join(corpus, "grass_host.mp4"), np.concatenate([host[:30], coffee[20:50], host[30:]]), FPS)
    with open(os.path.join(corpus, "broken.mp4"), "wb") as f:
        f.write(b"not a video\n" * 40)
    write_video(os.path.join(queries, "query_chelsea.mp4"), chelsea[30:70], FPS, crf=32)
    db = os.path.join(root, "cat.duckdb")
    run_ingest(corpus, db, get_encoder("baseline"), IngestConfig(decode=DecodeConfig(fps=4.0)))
    return {"root": root, "corpus": corpus, "queries": queries, "db": db}


def shared_catalog(tmp_path_factory) -> dict[str, str]:
    """The catalog, built on first use in this session's temporary folder (tests must not write it:
    use :func:`private_copy`)."""
    root = os.path.join(str(tmp_path_factory.getbasetemp()), "vidfp-small-catalog")
    done = os.path.join(root, "done")
    if not os.path.exists(done):
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        paths = build(root)
        open(done, "w").close()
        return paths
    return {
        "root": root,
        "corpus": os.path.join(root, "corpus"),
        "queries": os.path.join(root, "queries"),
        "db": os.path.join(root, "cat.duckdb"),
    }


def private_copy(paths: dict[str, str], dest: str) -> str:
    """A copy of the catalog file that a test may write (shards stay shared: their URIs are absolute)."""
    os.makedirs(dest, exist_ok=True)
    db = os.path.join(dest, "cat.duckdb")
    shutil.copyfile(paths["db"], db)
    return db


def video_ids(db: str) -> dict[str, str]:
    """basename → video_id of every file in the catalog."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    try:
        return {os.path.basename(u): v for u, v in con.execute("SELECT uri, video_id FROM files").fetchall()}
    finally:
        con.close()
