"""What the review pages show, read from the catalog (read-only, one short connection per call).

A connection is opened per call and closed before returning, so the review app
never holds the catalog file: a writer can always publish, and a verdict (the
app's only write) never meets the app's own open reader.  Every statement is a
literal; values are bound (sort orders pick one of the literal statements).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from vidfp.search.settings import read_only

PAGE = 50

_CLUSTER_STATS = """
WITH c AS (SELECT cluster_id, any_value(cluster_size) AS size FROM duplicate_clusters
           WHERE cluster_size > 1 GROUP BY cluster_id),
     s AS (SELECT ca.cluster_id, avg(p.similarity) AS mean_sim, min(p.similarity) AS min_sim, count(*) AS n_pairs
           FROM pair_scores p
           JOIN duplicate_clusters ca ON ca.video_id = p.video_a
           JOIN duplicate_clusters cb ON cb.video_id = p.video_b
           WHERE ca.cluster_id = cb.cluster_id AND ca.cluster_size > 1 AND p.is_duplicate
           GROUP BY ca.cluster_id),
     d AS (SELECT c2.cluster_id, sum(v.duration_s) AS total_s
           FROM duplicate_clusters c2 JOIN videos v USING (video_id) WHERE c2.cluster_size > 1
           GROUP BY c2.cluster_id)
SELECT c.cluster_id, c.size, s.mean_sim, s.min_sim, coalesce(s.n_pairs, 0), d.total_s
FROM c LEFT JOIN s USING (cluster_id) LEFT JOIN d USING (cluster_id)
"""
# One literal statement per sort order (ORDER BY cannot be bound).
CLUSTER_QUERIES = {
    "size": _CLUSTER_STATS + " ORDER BY c.size DESC, s.mean_sim DESC NULLS LAST, c.cluster_id LIMIT ? OFFSET ?",
    "similarity": _CLUSTER_STATS + " ORDER BY s.mean_sim DESC NULLS LAST, c.size DESC, c.cluster_id LIMIT ? OFFSET ?",
    "weakest": _CLUSTER_STATS + " ORDER BY s.min_sim ASC NULLS FIRST, c.size DESC, c.cluster_id LIMIT ? OFFSET ?",
}
_VIDEO_COLS = "v.video_id, v.uri, v.duration_s, v.width, v.height, v.fps, v.status, v.error, v.n_frames, v.shard_uri"
_PAIR_COLS = (
    "p.video_a, p.video_b, p.similarity, p.is_duplicate, coalesce(p.is_partial, false), p.semantic, "
    "p.nonsemantic, p.frame_sim, p.deriv_score, p.traj_score, p.motion_score, p.camera_score, "
    "p.activity_score, p.coverage, p.path_frames, p.flipped, p.votes, r.verdict"
)
_PAIRS_FROM = f"SELECT {_PAIR_COLS} FROM pair_scores p LEFT JOIN pair_verdicts r USING (video_a, video_b) "
# Statements with the column lists spliced in once, here (identifiers from the constants above, never input).
SQL = {
    "cluster_members": f"SELECT c.cluster_id, {_VIDEO_COLS} FROM duplicate_clusters c JOIN videos v USING (video_id) "
    "WHERE list_contains(?, c.cluster_id) ORDER BY c.cluster_id, v.uri",
    "members": f"SELECT {_VIDEO_COLS} FROM duplicate_clusters c JOIN videos v USING (video_id) "
    "WHERE c.cluster_id = ? ORDER BY v.uri",
    "pairs_inside": _PAIRS_FROM + "WHERE list_contains(?, p.video_a) AND list_contains(?, p.video_b) "
    "ORDER BY p.similarity DESC LIMIT ?",
    "pairs_leaving": _PAIRS_FROM + "WHERE (list_contains(?, p.video_a) <> list_contains(?, p.video_b)) "
    "AND (p.is_partial OR p.is_duplicate OR r.verdict IS NOT NULL) "
    "ORDER BY p.similarity DESC LIMIT ?",
    "videos": f"SELECT {_VIDEO_COLS} FROM videos v WHERE list_contains(?, v.video_id)",
    "pairs_of_video": _PAIRS_FROM + "WHERE p.video_a = ? OR p.video_b = ? ORDER BY p.similarity DESC LIMIT 50",
    "pair": _PAIRS_FROM + "WHERE p.video_a = ? AND p.video_b = ?",
    "partial_pairs": _PAIRS_FROM + "WHERE p.is_partial ORDER BY p.similarity DESC, p.video_a, p.video_b "
    "LIMIT ? OFFSET ?",
}


@dataclass
class Video:
    video_id: str
    uri: str
    duration_s: float | None
    width: int | None
    height: int | None
    fps: float | None
    status: str
    error: str | None
    n_frames: int | None
    shard_uri: str | None

    @property
    def name(self) -> str:
        return self.uri.rstrip("/").rsplit("/", 1)[-1]

    @property
    def folder(self) -> str:
        return self.uri.rstrip("/").rsplit("/", 1)[0] if "/" in self.uri else ""

    @property
    def keyframe_s(self) -> float:
        """The moment its cluster-list thumbnail shows: a third in (past intros and fades)."""
        return round((self.duration_s or 0.0) / 3, 1)


@dataclass
class Pair:
    video_a: str
    video_b: str
    similarity: float
    is_duplicate: bool
    is_partial: bool
    components: dict[str, float | None]
    coverage: float | None
    path_frames: int | None
    flipped: bool | None
    votes: float | None
    verdict: str | None
    a: Video | None = None
    b: Video | None = None
    segments: list[tuple[float, float, float, float, float | None]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.verdict:
            return "you: " + self.verdict.replace("_", " ")
        return "duplicate" if self.is_duplicate else "partial copy" if self.is_partial else "not linked"


@dataclass
class Cluster:
    cluster_id: str
    size: int
    mean_sim: float | None
    min_sim: float | None
    n_pairs: int
    total_s: float | None
    members: list[Video] = field(default_factory=list)


def _video(row: tuple) -> Video:
    return Video(*row)


def _pair(row: tuple) -> Pair:
    comp = dict(
        zip(
            ("semantic", "nonsemantic", "frame_sim", "deriv", "traj", "motion", "camera", "activity"),
            row[5:13],
            strict=True,
        )
    )
    return Pair(row[0], row[1], row[2], bool(row[3]), bool(row[4]), comp, row[13], row[14], row[15], row[16], row[17])


class CatalogReader:
    """Read-only queries for the review pages; each method opens and closes its own connection."""

    def __init__(self, db: str):
        self.db = db
        # One catalog connection at a time in this process: DuckDB refuses to open a file read-write
        # (a verdict) while this process holds it read-only, so the app's writer takes this lock too.
        self.lock = threading.RLock()

    @contextmanager
    def _open(self) -> Iterator[Any]:
        with self.lock, read_only(self.db) as cat:
            yield cat

    def summary(self) -> dict[str, Any]:
        with self._open() as cat:
            s = cat.summary()
            (s["videos_missing"],) = cat.con.execute("SELECT count(*) FROM videos WHERE status = 'missing'").fetchone()
            (s["partial_pairs"],) = cat.con.execute("SELECT count(*) FROM pair_scores WHERE is_partial").fetchone()
            (s["verdicts"],) = cat.con.execute("SELECT count(*) FROM pair_verdicts").fetchone()
        s["catalog"] = os.path.abspath(self.db)
        return s

    def clusters(self, sort: str = "size", page: int = 0, per_page: int = PAGE) -> list[Cluster]:
        """Clusters with copies (size > 1), one page, with their members."""
        q = CLUSTER_QUERIES.get(sort, CLUSTER_QUERIES["size"])
        with self._open() as cat:
            rows = cat.con.execute(q, [per_page, page * per_page]).fetchall()
            out = [Cluster(*r) for r in rows]
            ids = [c.cluster_id for c in out]
            members = cat.con.execute(SQL["cluster_members"], [ids]).fetchall()
        by_id = {c.cluster_id: c for c in out}
        for r in members:
            by_id[r[0]].members.append(_video(r[1:]))
        return out

    def n_clusters(self) -> int:
        with self._open() as cat:
            return cat.con.execute(
                "SELECT count(DISTINCT cluster_id) FROM duplicate_clusters WHERE cluster_size > 1"
            ).fetchone()[0]

    def cluster(self, cluster_id: str, max_pairs: int = 300) -> tuple[Cluster | None, list[Pair], list[Pair]]:
        """(cluster with members, pairs inside it best first, partial copies and verdicts touching it)."""
        with self._open() as cat:
            con = cat.con
            members = [_video(r) for r in con.execute(SQL["members"], [cluster_id]).fetchall()]
            if not members:
                return None, [], []
            ids = [m.video_id for m in members]
            inside = [_pair(r) for r in con.execute(SQL["pairs_inside"], [ids, ids, max_pairs]).fetchall()]
            outside = [_pair(r) for r in con.execute(SQL["pairs_leaving"], [ids, ids, max_pairs]).fetchall()]
            others = {p.video_a for p in outside} | {p.video_b for p in outside}
            vids = {v.video_id: v for v in members}
            vids.update(self._videos(con, list(others - set(vids))))
        for p in inside + outside:
            p.a, p.b = vids.get(p.video_a), vids.get(p.video_b)
        size = len(members)
        sims = [p.similarity for p in inside if p.is_duplicate]
        c = Cluster(
            cluster_id,
            size,
            sum(sims) / len(sims) if sims else None,
            min(sims) if sims else None,
            len(sims),
            sum(m.duration_s or 0 for m in members),
            members,
        )
        return c, inside, outside

    @staticmethod
    def _videos(con, ids: list[str]) -> dict[str, Video]:
        if not ids:
            return {}
        rows = con.execute(SQL["videos"], [ids]).fetchall()
        return {r[0]: _video(r) for r in rows}

    def videos(self, ids: list[str]) -> dict[str, Video]:
        with self._open() as cat:
            return self._videos(cat.con, ids)

    def video(self, video_id: str) -> tuple[Video | None, str | None, list[Pair]]:
        """(video, its cluster id, its strongest pairs)."""
        with self._open() as cat:
            con = cat.con
            v = self._videos(con, [video_id]).get(video_id)
            if v is None:
                return None, None, []
            row = con.execute("SELECT cluster_id FROM duplicate_clusters WHERE video_id = ?", [video_id]).fetchone()
            pairs = [_pair(r) for r in con.execute(SQL["pairs_of_video"], [video_id, video_id]).fetchall()]
            vids = self._videos(con, list({p.video_a for p in pairs} | {p.video_b for p in pairs}))
        for p in pairs:
            p.a, p.b = vids.get(p.video_a), vids.get(p.video_b)
        return v, row[0] if row else None, pairs

    def pair(self, a: str, b: str) -> Pair | None:
        """The scored pair with its videos, segments and verdict (None when the pair was never scored)."""
        a, b = sorted((a, b))
        with self._open() as cat:
            con = cat.con
            row = con.execute(SQL["pair"], [a, b]).fetchone()
            if row is None:
                return None
            p = _pair(row)
            p.segments = con.execute(
                "SELECT a_start_s, a_end_s, b_start_s, b_end_s, score FROM matched_segments "
                "WHERE video_a = ? AND video_b = ? ORDER BY seg_idx",
                [a, b],
            ).fetchall()
            vids = self._videos(con, [a, b])
        p.a, p.b = vids.get(a), vids.get(b)
        return p

    def partial_pairs(self, page: int = 0, per_page: int = PAGE) -> list[Pair]:
        with self._open() as cat:
            con = cat.con
            pairs = [_pair(r) for r in con.execute(SQL["partial_pairs"], [per_page, page * per_page]).fetchall()]
            vids = self._videos(con, list({p.video_a for p in pairs} | {p.video_b for p in pairs}))
            segs = con.execute(
                "SELECT video_a, video_b, a_start_s, a_end_s, b_start_s, b_end_s, score FROM matched_segments "
                "WHERE list_contains(?, video_a || '/' || video_b) ORDER BY video_a, video_b, seg_idx",
                [[f"{p.video_a}/{p.video_b}" for p in pairs]],
            ).fetchall()
        by = {(p.video_a, p.video_b): p for p in pairs}
        for s in segs:
            by[(s[0], s[1])].segments.append(tuple(s[2:]))
        for p in pairs:
            p.a, p.b = vids.get(p.video_a), vids.get(p.video_b)
        return pairs

    def local_files(self, video_id: str) -> list[str]:
        """Every URI the catalog lists for this video (canonical first), for serving its bytes."""
        with self._open() as cat:
            rows = cat.con.execute(
                "SELECT uri, 0 AS k FROM videos WHERE video_id = ? UNION ALL "
                "SELECT uri, 1 AS k FROM files WHERE video_id = ? ORDER BY k, uri",
                [video_id, video_id],
            ).fetchall()
        return list(dict.fromkeys(u for u, _ in rows))
