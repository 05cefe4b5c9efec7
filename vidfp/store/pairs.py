"""The catalog's pair tables: scores, segments, calibration, verdicts and clusters.

A mixin of :class:`vidfp.store.catalog.Catalog` (which owns the connection ``self.con``, the
runs and the videos).  Every write of a stage is one transaction, and every value is bound as
a parameter; the few statements built here are spliced from constants once, at import.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from vidfp.similarity.scoring import PairResult


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


_PAIR_FLOATS = (
    ("semantic", "semantic"),
    ("nonsemantic", "nonsemantic"),
    ("frame_sim", "frame_sim"),
    ("deriv_score", "deriv"),
    ("traj_score", "traj"),
    ("motion_score", "motion"),
    ("camera_score", "camera"),
    ("activity_score", "activity"),
    ("coverage", "coverage"),
)
_SEG_COLUMNS = (
    ("video_a", pa.string()),
    ("video_b", pa.string()),
    ("seg_idx", pa.int32()),
    ("a_start_s", pa.float64()),
    ("a_end_s", pa.float64()),
    ("b_start_s", pa.float64()),
    ("b_end_s", pa.float64()),
    ("score", pa.float64()),
)


# A pair's flags as PairScorer sets them, from its stored similarity and coverage ($t threshold,
# $c min_coverage); built once here from constants.
_FULL = "(similarity >= $t AND coalesce(coverage, 1.0) >= $c)"
_PART = "(similarity >= $t AND coalesce(coverage, 1.0) < $c)"
_FLAGS_DIFFER = f"is_duplicate <> {_FULL} OR is_partial IS DISTINCT FROM {_PART}"
_COUNT_FLAG_CHANGES = f"SELECT count(*) FROM pair_scores WHERE {_FLAGS_DIFFER}"
_APPLY_FLAGS = f"UPDATE pair_scores SET is_duplicate = {_FULL}, is_partial = {_PART} WHERE {_FLAGS_DIFFER}"


class PairStore:
    """Pair, segment, calibration, verdict and cluster tables of an open catalog (``self.con``)."""

    con: duckdb.DuckDBPyConnection

    def store_pairs(
        self, results: list[PairResult], votes: dict[tuple[str, str], float], run_id: str, scored_videos: Iterable[str]
    ) -> None:
        """Replace every pair touching ``scored_videos`` (and its segments) by ``results``; mark
        those videos scored.  One transaction, so a crash leaves the old rows and flags."""
        scored_videos = list(scored_videos)
        self.con.execute("BEGIN")
        try:
            self.con.execute(
                "DELETE FROM matched_segments WHERE list_contains(?, video_a) OR list_contains(?, video_b)",
                [scored_videos, scored_videos],
            )
            self.con.execute(
                "DELETE FROM pair_scores WHERE list_contains(?, video_a) OR list_contains(?, video_b)",
                [scored_videos, scored_videos],
            )
            if results:  # bulk insert through Arrow: one statement per table, not one per row
                pairs = pa.table(
                    {
                        "video_a": [r.video_a for r in results],
                        "video_b": [r.video_b for r in results],
                        "similarity": [float(r.similarity) for r in results],
                        "is_duplicate": [bool(r.is_duplicate) for r in results],
                        "is_partial": [bool(r.is_partial) for r in results],
                        **{col: [float(getattr(r, attr)) for r in results] for col, attr in _PAIR_FLOATS},
                        "path_frames": pa.array([int(r.path_frames) for r in results], pa.int32()),
                        "flipped": [bool(r.flipped) for r in results],
                        "votes": pa.array([votes.get((r.video_a, r.video_b)) for r in results], pa.float64()),
                        "run_id": [run_id] * len(results),
                    }
                )
                segs = [
                    (r.video_a, r.video_b, k, sg.a_start_s, sg.a_end_s, sg.b_start_s, sg.b_end_s, sg.score)
                    for r in results
                    for k, sg in enumerate(r.segments)
                ]
                seg_tbl = pa.table(
                    {name: pa.array([row[i] for row in segs], typ) for i, (name, typ) in enumerate(_SEG_COLUMNS)}
                )
                self.con.register("_vidfp_new_pairs", pairs)
                self.con.register("_vidfp_new_segments", seg_tbl)
                try:
                    self.con.execute("INSERT INTO pair_scores BY NAME SELECT * FROM _vidfp_new_pairs")
                    self.con.execute("INSERT INTO matched_segments SELECT * FROM _vidfp_new_segments")
                finally:
                    self.con.unregister("_vidfp_new_pairs")
                    self.con.unregister("_vidfp_new_segments")
            self.con.execute("UPDATE videos SET scored = TRUE WHERE list_contains(?, video_id)", [scored_videos])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def apply_threshold(self, threshold: float, min_coverage: float) -> int:
        """Re-derive the flags of every stored pair as PairScorer sets them: linked =
        similarity >= threshold; is_duplicate = linked and coverage >= min_coverage;
        is_partial = linked and not.  Pairs stored before coverage existed count as full.
        Returns how many pairs changed."""
        params = {"t": threshold, "c": min_coverage}
        (n,) = self.con.execute(_COUNT_FLAG_CHANGES, params).fetchone()
        if n:
            self.con.execute(_APPLY_FLAGS, params)
        return int(n)

    def calibration(self, encoder_key: str) -> tuple[float, float, int, str] | None:
        """(center, scale, n_pairs, source) stored for this encoder, or None."""
        return self.con.execute(
            "SELECT center, scale, n_pairs, source FROM calibration WHERE encoder_key = ?", [encoder_key]
        ).fetchone()

    def set_calibration(
        self, encoder_key: str, center: float, scale: float, n_pairs: int, source: str, run_id: str
    ) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO calibration VALUES (?, ?, ?, ?, ?, ?, ?)",
            [encoder_key, center, scale, n_pairs, source, now_utc(), run_id],
        )

    def pair_edges(self) -> list[tuple[str, str, bool, float, bool]]:
        """(video_a, video_b, is_duplicate, similarity, is_partial) of every scored pair."""
        return self.con.execute(
            "SELECT video_a, video_b, is_duplicate, similarity, coalesce(is_partial, false) FROM pair_scores"
        ).fetchall()

    def near_edges(self, min_semantic: float) -> list[tuple[str, str, float]]:
        """(video_a, video_b, similarity) of the pairs neither duplicate nor partial whose ``semantic`` is at
        least ``min_semantic`` (vidfp.index.closure.lone_links)."""
        return self.con.execute(
            "SELECT video_a, video_b, similarity FROM pair_scores"
            " WHERE NOT is_duplicate AND NOT coalesce(is_partial, false) AND semantic >= ?",
            [min_semantic],
        ).fetchall()

    def verdicts(self) -> dict[tuple[str, str], str]:
        return {
            (a, b): v for a, b, v in self.con.execute("SELECT video_a, video_b, verdict FROM pair_verdicts").fetchall()
        }

    def set_verdict(self, a: str, b: str, verdict: str, note: str | None = None) -> None:
        if verdict not in ("duplicate", "not_duplicate"):
            raise ValueError("verdict must be 'duplicate' or 'not_duplicate'")
        a, b = sorted((a, b))
        self.con.execute(
            "INSERT OR REPLACE INTO pair_verdicts VALUES (?, ?, ?, ?, ?)", [a, b, verdict, note, now_utc()]
        )

    def replace_clusters(self, clusters: dict[str, str]) -> None:
        sizes: dict[str, int] = {}
        for c in clusters.values():
            sizes[c] = sizes.get(c, 0) + 1
        self.con.execute("BEGIN")
        try:
            self.con.execute("DELETE FROM duplicate_clusters")
            if clusters:
                self.con.executemany(
                    "INSERT INTO duplicate_clusters VALUES (?, ?, ?)",
                    [[c, v, sizes[c]] for v, c in sorted(clusters.items())],
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
