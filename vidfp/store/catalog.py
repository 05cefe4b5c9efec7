"""The DuckDB catalog: the tables users query (see sql/schema.sql).

All values are bound as parameters; no SQL is built from file names.  Every
stage's writes happen in one transaction, so a run killed mid-write leaves
the previous consistent state and a re-run completes it.
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from typing import Any

import duckdb

from vidfp.store.migrations import (
    LATEST,
    CatalogTooOld,
    check_not_newer,
    current_version,
    migrate,
)
from vidfp.store.pairs import PairStore, now_utc
from vidfp.store.snapshot import RunRefused, publish_file
from vidfp.store.storage import (
    connect_writable,
    needs_rewrite,
    rewrite_in_storage_version,
)

log = logging.getLogger(__name__)


class EncoderMismatch(RunRefused):
    """A run would mix two encoders' fingerprints in one catalog: refused before any change."""


def schema_sql() -> str:
    return resources.files("vidfp.store").joinpath("schema.sql").read_text()


def views_sql() -> str:
    """Analyst views (duplicate_pairs, duplicate_segments, cluster_members, failed_files); run after the schema."""
    return resources.files("vidfp.store").joinpath("views.sql").read_text()


VIDEO_COLS = (
    "video_id",
    "uri",
    "content_hash",
    "size_bytes",
    "duration_s",
    "fps",
    "width",
    "height",
    "n_frames",
    "status",
    "error",
    "encoder",
    "model",
    "weights_sha",
    "feature_key",
    "shard_uri",
    "scored",
    "ingested_at",
    "run_id",
    "attempts",
    "last_error",
    "decode_note",
)
# Statements with VIDEO_COLS spliced in once, here: the identifiers come from the tuple above, never from input.
_SELECT_VIDEOS = f"SELECT {', '.join(VIDEO_COLS)} FROM videos WHERE ? IS NULL OR status = ? ORDER BY video_id"
_UPSERT_VIDEO = f"INSERT OR REPLACE INTO videos ({', '.join(VIDEO_COLS)}) VALUES ({', '.join('?' * len(VIDEO_COLS))})"


class Catalog(PairStore):
    """One open catalog file.  Opening for writing upgrades an older schema in place
    (vidfp.store.migrations) and keeps the file in the chosen DuckDB storage version
    (vidfp.store.storage); a newer schema is refused either way."""

    def __init__(self, path: str, read_only: bool = False, publish_to: str | None = None):
        """``publish_to``: ``path`` is a writer's private copy of that published catalog
        (vidfp.store.snapshot); :meth:`publish` makes its committed state visible there."""
        self.path = path
        self.read_only = read_only
        self.publish_to = publish_to
        self.con = self._connect()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self.read_only:
            con = duckdb.connect(self.path, read_only=True)
        else:
            con = connect_writable(self.path)
            try:
                check_not_newer(con, self.path)  # refuse before touching anything
                rewrite = needs_rewrite(con)
            except BaseException:
                con.close()
                raise
            if rewrite:
                con.close()
                rewrite_in_storage_version(self.path)
                con = connect_writable(self.path)
        try:
            if self.read_only:
                v = check_not_newer(con, self.path)
                if v < LATEST:
                    raise CatalogTooOld(
                        f"catalog {self.path!r} has schema version {v} (this vidfp: {LATEST}); "
                        "run `vidfp ingest` or `vidfp rescan` on it once to upgrade it"
                    )
            else:
                before, after = migrate(con, self.path, schema_sql())
                if 0 < before < after:
                    log.warning("catalog %s upgraded from schema version %d to %d", self.path, before, after)
                con.execute(views_sql())  # views hold no data: recreated, current, at every writing open
        except BaseException:
            con.close()
            raise
        return con

    def schema_version(self) -> int:
        return current_version(self.con)

    def publish(self, final: bool = False) -> None:
        """Checkpoint and publish the committed state atomically (see vidfp.store.snapshot).
        ``final`` hands the file itself over and leaves this catalog closed."""
        if self.publish_to is None:
            return  # opened in place: every commit is already visible
        self.con.execute("CHECKPOINT")
        self.con.close()
        publish_file(self.path, self.publish_to, final)
        if not final:
            self.con = self._connect()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- runs --------------------------------------------------------------
    def start_run(self, run_id: str, kind: str, source: str, config_json: str) -> None:
        """Record a new run.  The caller holds the catalog lock, so any run still marked
        'running' died without finishing (killed, crashed): it is marked 'crashed'."""
        self.con.execute("UPDATE runs SET status = 'crashed' WHERE status = 'running'")
        self.con.execute(
            "INSERT OR REPLACE INTO runs (run_id, kind, started_at, status, source, config) "
            "VALUES (?, ?, ?, 'running', ?, ?)",
            [run_id, kind, now_utc(), source, config_json],
        )

    def finish_run(self, run_id: str, status: str, counts: dict[str, int]) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, n_files = ?, n_new = ?, n_failed = ?, n_pairs = ? "
            "WHERE run_id = ?",
            [
                now_utc(),
                status,
                counts.get("files", 0),
                counts.get("new", 0),
                counts.get("failed", 0),
                counts.get("pairs", 0),
                run_id,
            ],
        )

    # ---- files and videos --------------------------------------------------
    def known_files(self) -> dict[str, tuple[str, int, float | None]]:
        rows = self.con.execute("SELECT uri, video_id, size_bytes, mtime FROM files").fetchall()
        return {u: (v, s, m) for u, v, s, m in rows}

    def videos(self, status: str | None = None) -> list[dict[str, Any]]:
        """Video rows, optionally only those with ``status`` (bound, never formatted)."""
        cur = self.con.execute(_SELECT_VIDEOS, [status, status])
        return [dict(zip(VIDEO_COLS, r, strict=False)) for r in cur.fetchall()]

    def check_encoder(self, encoder: str, feature_key: str) -> None:
        """Refuse to mix fingerprints of different encoders in one catalog."""
        rows = self.con.execute(
            "SELECT DISTINCT encoder, model FROM videos WHERE status = 'ok' AND encoder IS NOT NULL AND encoder <> ?",
            [encoder],
        ).fetchall()
        if rows:
            raise EncoderMismatch(
                f"catalog {self.path if self.publish_to is None else self.publish_to!r} holds fingerprints from "
                f"encoder {rows[0][0]!r} ({rows[0][1]}) and a catalog holds one encoder's fingerprints, so this run "
                f"changed nothing. For {encoder!r}, ingest into a new catalog: "
                f"vidfp ingest SOURCE --db NEW.duckdb --encoder {encoder}"
            )

    def upsert(self, videos: list[dict[str, Any]], files: list[dict[str, Any]]) -> None:
        self.con.execute("BEGIN")
        try:
            for v in videos:
                self.con.execute(_UPSERT_VIDEO, [v.get(c) for c in VIDEO_COLS])
            for f in files:
                self.con.execute(
                    "INSERT OR REPLACE INTO files (uri, video_id, size_bytes, mtime, run_id) VALUES (?, ?, ?, ?, ?)",
                    [f["uri"], f["video_id"], f["size_bytes"], f["mtime"], f["run_id"]],
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def mark_missing(self, present_uris: set[str], run_id: str) -> tuple[int, int]:
        """Videos none of whose files are present become 'missing'; missing videos with a
        present file again (restored, or moved back) become 'ok', their stored pairs intact,
        and are rescored (``scored`` false) against videos added while they were away.
        Returns (newly missing, restored).  One transaction."""
        rows = self.con.execute(
            "SELECT f.uri, f.video_id, v.status, v.shard_uri FROM files f JOIN videos v USING (video_id)"
        ).fetchall()
        alive: dict[str, bool] = {}
        state: dict[str, tuple[str, str | None]] = {}
        for uri, vid, status, shard in rows:
            alive[vid] = alive.get(vid, False) or uri in present_uris
            state[vid] = (status, shard)
        gone = [v for v, a in alive.items() if not a and state[v][0] != "missing"]
        back = [v for v, a in alive.items() if a and state[v][0] == "missing" and state[v][1]]
        self.con.execute("BEGIN")
        try:
            if gone:
                self.con.executemany(
                    "UPDATE videos SET status = 'missing', run_id = ? WHERE video_id = ?", [[run_id, v] for v in gone]
                )
            if back:
                self.con.executemany(
                    "UPDATE videos SET status = 'ok', scored = FALSE, run_id = ? WHERE video_id = ?",
                    [[run_id, v] for v in back],
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        if back:
            log.info("%d videos are back (restored files): ok again", len(back))
        return len(gone), len(back)

    def shard_entries(self) -> list[dict[str, Any]]:
        """Per referenced shard: its videos, frame rows, feature key and encoder (for manifest.json)."""
        rows = self.con.execute(
            "SELECT shard_uri, list(video_id ORDER BY video_id), sum(n_frames), min(feature_key), min(encoder) "
            "FROM videos WHERE shard_uri IS NOT NULL AND status IN ('ok', 'missing') GROUP BY shard_uri "
            "ORDER BY shard_uri"
        ).fetchall()
        return [dict(zip(("shard_uri", "videos", "rows", "feature_key", "encoder"), r, strict=True)) for r in rows]

    def find_video(self, name: str) -> str | None:
        """The video whose id is ``name``, else the one a file with URI ``name`` belongs to."""
        row = self.con.execute(
            "SELECT video_id FROM videos WHERE video_id = ? UNION ALL SELECT video_id FROM files WHERE uri = ? LIMIT 1",
            [name, name],
        ).fetchone()
        return row[0] if row else None

    def summary(self) -> dict[str, Any]:
        q = self.con.execute
        return {
            "videos_ok": q("SELECT count(*) FROM videos WHERE status = 'ok'").fetchone()[0],
            "videos_failed": q("SELECT count(*) FROM videos WHERE status = 'failed'").fetchone()[0],
            "pairs_scored": q("SELECT count(*) FROM pair_scores").fetchone()[0],
            "duplicate_pairs": q("SELECT count(*) FROM pair_scores WHERE is_duplicate").fetchone()[0],
            "clusters_multi": q(
                "SELECT count(DISTINCT cluster_id) FROM duplicate_clusters WHERE cluster_size > 1"
            ).fetchone()[0],
            "segments": q("SELECT count(*) FROM matched_segments").fetchone()[0],
        }


def config_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, default=str)
