"""Write ``catalog_v0.duckdb.gz``: a catalog made by the code *before* schema versioning.

It was run once at commit b6c4cee (the last commit without ``schema_version``) with
``PYTHONPATH=. python tests/store/data/make_fixture.py`` and its output committed; the
migration test opens a copy with today's code.  Re-running it now would write a
current-version catalog, which is not what the fixture is for.

Content: three clips (one re-encoded copy), one broken file, a user verdict, so every
table of the old schema holds rows.  Shards are deleted (only the catalog is kept); the file is
gzipped because a DuckDB file is mostly empty blocks.
"""

import gzip
import os
import shutil
import sys
import tempfile

import duckdb

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))

from tests.conftest import write_test_video
from vidfp.config import DecodeConfig, IngestConfig
from vidfp.encoders import get_encoder
from vidfp.pipeline import run_ingest
from vidfp.pipeline.match import cluster_catalog
from vidfp.store.catalog import Catalog

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog_v0.duckdb.gz")


def main() -> None:
    work = tempfile.mkdtemp(prefix="vidfp-fixture-")
    src = os.path.join(work, "src")
    os.makedirs(src)
    write_test_video(os.path.join(src, "a.mp4"), n=60, fps=30, size=(96, 128))
    write_test_video(os.path.join(src, "a_copy.mp4"), n=60, fps=15, size=(48, 64))
    write_test_video(os.path.join(src, "b.mp4"), n=45, fps=30, size=(64, 64), codec="mpeg4")
    with open(os.path.join(src, "broken.mp4"), "wb") as f:
        f.write(b"\x00" * 300)
    db = os.path.join(work, "cat.duckdb")
    run_ingest(src, db, get_encoder("baseline"), IngestConfig(decode=DecodeConfig(fps=4.0)))
    with Catalog(db) as cat:
        ids = sorted(v["video_id"] for v in cat.videos(status="ok"))
        cat.set_verdict(ids[0], ids[-1], "not_duplicate", "fixture")
        cluster_catalog(cat)
    # compact: copy into a fresh file so the fixture holds no free blocks
    if os.path.exists(OUT):
        os.remove(OUT)
    con = duckdb.connect()
    con.execute("ATTACH ? AS old (READ_ONLY)", [db])
    con.execute("ATTACH ? AS new", [OUT + ".tmp"])
    con.execute("COPY FROM DATABASE old TO new")
    con.close()
    with open(OUT + ".tmp", "rb") as f, gzip.open(OUT, "wb", compresslevel=9) as g:
        shutil.copyfileobj(f, g)  # DuckDB files are mostly empty blocks: 3.9 MB → 11 kB
    os.remove(OUT + ".tmp")
    shutil.rmtree(work)
    print(OUT, os.path.getsize(OUT))


if __name__ == "__main__":
    main()
