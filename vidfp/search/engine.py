"""Search a catalog with query clips: where does this clip appear?

A query (a file or any fsspec URI, in the catalog or not) goes through the
catalog's own stages, reused, never re-implemented:

1. decode + encode: vidfp.pipeline.extract.extract_one in an isolated child
   (vidfp.decode.isolation, with the catalog's DecodeConfig and time limits),
   with the encoder that made the catalog (vidfp.search.settings.make_encoder);
2. candidates: FAISS over the catalog's frames (vidfp.search.frames, the
   vote rule of vidfp.index.candidates);
3. scoring: vidfp.similarity.scoring.PairScorer with the catalog's
   ScoringConfig and stored calibration (vidfp.pipeline.match.current_calibration),
   so a query's similarity to a catalog video is the number an ingest of the
   query would have stored for that pair.

Each hit carries the matched moments: query time range ↔ catalog video time
range (the aligned segments of the pair).  The catalog is opened read-only and
closed again before any decoding starts; nothing is written anywhere.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from vidfp.pipeline.extract import extract_one
from vidfp.pipeline.match import current_calibration, load_records
from vidfp.records import FrameRecord
from vidfp.search.frames import FrameIndex, read_global_vectors
from vidfp.search.settings import CatalogSettings, make_encoder, read_only, read_settings
from vidfp.similarity.scoring import PairResult, PairScorer

log = logging.getLogger(__name__)

COMPONENTS = ("semantic", "nonsemantic", "frame_sim", "deriv", "traj", "motion", "camera", "activity", "coverage")


@dataclass(frozen=True)
class Moment:
    """One matched segment: [query_start_s, query_end_s] of the query ↔ [video_start_s, video_end_s]."""

    query_start_s: float
    query_end_s: float
    video_start_s: float
    video_end_s: float
    score: float


@dataclass(frozen=True)
class SearchHit:
    rank: int
    video_id: str
    uri: str
    similarity: float  # fused score, as pair_scores.similarity
    is_duplicate: bool  # above the catalog's threshold and covering most of the shorter video
    is_partial: bool  # above the threshold, a part only
    votes: float  # FAISS votes that made it a candidate
    flipped: bool
    components: dict[str, float]
    moments: tuple[Moment, ...]


@dataclass(frozen=True)
class QueryResult:
    query: str
    hits: tuple[SearchHit, ...] = ()
    duration_s: float | None = None
    n_frames: int = 0
    error: str | None = None  # the query could not be decoded or encoded
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def file_stamp(path: str) -> tuple[int, int, int]:
    """(inode, mtime ns, size): changes when a writer publishes a new snapshot of the catalog."""
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _tier(r: PairResult) -> int:
    """0: the hit holds all of the query (or the query all of it), 1: a part of it, 2: not linked."""
    return 0 if r.is_duplicate else 1 if r.is_partial else 2


class SearchIndex:
    """A catalog made ready for queries: encoder, scorer and a FAISS index over its frames.

    Building it costs one read of the shards' global vectors (and, for DINOv3, loading
    the model); keep it while the catalog file is unchanged (``stale()``).
    """

    def __init__(
        self,
        db: str,
        weights: str | None = None,
        device: str | None = None,
        workers: int = 2,
        min_frame_sim: float = 0.0,
    ):
        t0 = time.perf_counter()
        self.db = db
        self.stamp = file_stamp(db) if os.path.exists(db) else None  # before reading: a publish meanwhile → stale
        self.settings: CatalogSettings = read_settings(db)
        self.encoder = make_encoder(self.settings, weights, device)
        with read_only(db) as cat:
            calibration = current_calibration(cat, self.encoder)
            rows = [
                r for r in cat.videos(status="ok") if r["shard_uri"] and r["feature_key"] == self.settings.feature_key
            ]
        self.rows = {r["video_id"]: r for r in rows}
        self.frames = FrameIndex(*read_global_vectors(rows), self.settings.candidates)
        self.scorer = PairScorer(
            self.settings.scoring,
            flip=self.encoder.flip,
            positions=self.encoder.region_positions(),
            calibration=calibration,
        )
        self.workers = workers
        self.min_frame_sim = min_frame_sim  # every neighbour votes (vidfp.search.frames)
        self._records: dict[str, FrameRecord] = {}
        self.build_s = time.perf_counter() - t0
        log.info("search index over %d frames of %d videos in %.2f s", self.frames.n_frames, len(rows), self.build_s)

    def stale(self) -> bool:
        """Whether the catalog file changed (a new snapshot) since this index was built."""
        try:
            return file_stamp(self.db) != self.stamp
        except OSError:
            return True

    # ---- stage 1: decode + encode ------------------------------------------------
    def encode(self, queries: list[str]) -> dict[str, FrameRecord | str]:
        """Query → its FrameRecord with features (and meta duration_s), or the error text."""
        from vidfp.decode.isolation import run_isolated

        enc, cfg = self.encoder, self.settings.decode
        workers = min(self.workers, len(queries))  # 0: in this process (vidfp.decode.isolation)
        job_enc = enc.for_jobs(workers)
        jobs = [(str(k), (q, f"query-{k}", enc.input_size, cfg, job_enc)) for k, q in enumerate(queries)]
        out: dict[str, FrameRecord | str] = {}
        limits = {"timeout_s": min(cfg.timeout_base_s, cfg.timeout_s), "max_timeout_s": cfg.timeout_s}
        for key, ok, value in run_isolated(extract_one, jobs, workers, **limits):
            q = queries[int(key)]
            if not ok:
                out[q] = str(value)
                continue
            rec, meta = value
            try:
                if job_enc is None:
                    rec = rec.with_features(*enc.encode(rec.pixels))
            except Exception as e:  # noqa: BLE001 - reported per query
                out[q] = f"encoder failed: {type(e).__name__}: {e}"
                continue
            rec.meta["duration_s"] = meta.get("duration_s")
            out[q] = rec
        return out

    # ---- stages 2 and 3: candidates, scoring ---------------------------------------
    def _catalog_records(self, vids: list[str]) -> dict[str, FrameRecord]:
        need = [self.rows[v] for v in vids if v not in self._records]
        if need:
            self._records.update(load_records(need))
        return {v: self._records[v] for v in vids if v in self._records}

    def hits_for(self, q: FrameRecord, top: int = 10, uri: str | None = None) -> list[SearchHit]:
        """Ranked catalog videos for an encoded query record.  With the query's ``uri``, the moments of
        the linked hits (duplicates and partial copies) are refined on frames decoded between the
        samples, as an ingest refines partial copies (vidfp.pipeline.refine, the catalog's refine_fps)."""
        cands = self.frames.votes(q, self.encoder.flip, self.min_frame_sim)
        recs = self._catalog_records([v for v, _ in cands])
        scored: list[tuple[PairResult, str, float]] = []
        for vid, votes in cands:
            if vid in recs:
                scored.append((self.scorer.score(q, recs[vid]), vid, votes))
        # videos that hold all of the query (a duplicate: the match covers most of the shorter one) before
        # videos that hold a part of it (a partial copy), before unlinked ones; then by similarity.  A
        # copy's query matches the host of a piece of its source as closely, on that piece, as the
        # source itself, and "where does this clip appear" is answered first by where all of it is
        # (family A seed 2: 8 of 151 queries ranked such a host first, the source second)
        scored.sort(key=lambda t: (_tier(t[0]), -t[0].similarity, -t[2], t[1]))
        scored = [t for t in scored if t[0].similarity > 0][:top]
        if uri is not None and self.settings.scoring.refine_fps > 0:
            scored = self._refined(q, uri, scored, recs)
        hits = []
        for res, vid, votes in scored:
            q_is_a = res.video_a == q.video_id
            moments = tuple(
                Moment(
                    *(
                        round(float(x), 3)
                        for x in (
                            (s.a_start_s, s.a_end_s, s.b_start_s, s.b_end_s)
                            if q_is_a
                            else (s.b_start_s, s.b_end_s, s.a_start_s, s.a_end_s)
                        )
                    ),
                    s.score,
                )
                for s in res.segments
            )
            hits.append(
                SearchHit(
                    rank=len(hits) + 1,
                    video_id=vid,
                    uri=self.rows[vid]["uri"],
                    similarity=res.similarity,
                    is_duplicate=res.is_duplicate,
                    is_partial=res.is_partial,
                    votes=votes,
                    flipped=res.flipped,
                    components={c: float(getattr(res, c)) for c in COMPONENTS},
                    moments=tuple(sorted(moments, key=lambda m: m.query_start_s)),
                )
            )
        return hits

    def _refined(self, q: FrameRecord, uri: str, scored: list, recs: dict[str, FrameRecord]) -> list:
        from vidfp.pipeline.refine import refine_results

        uris = {q.video_id: uri, **{vid: self.rows[vid]["uri"] for _, vid, _ in scored}}
        refined = refine_results(
            [res for res, _, _ in scored],
            {q.video_id: q, **recs},
            uris,
            self.encoder,
            self.settings.decode,
            self.settings.scoring.refine_fps,
            workers=self.workers,
            select=lambda r: r.is_duplicate or r.is_partial,
        )
        return [(res, vid, votes) for res, (_, vid, votes) in zip(refined, scored, strict=True)]

    def search(self, queries: Iterable[str], top: int = 10) -> list[QueryResult]:
        queries = list(queries)
        t0 = time.perf_counter()
        encoded = self.encode(queries)
        t_enc = (time.perf_counter() - t0) / max(len(queries), 1)
        out = []
        for q in queries:
            rec = encoded.get(q, "not decoded")
            if isinstance(rec, str):
                out.append(QueryResult(q, error=rec, seconds={"decode_encode": round(t_enc, 4)}))
                continue
            t1 = time.perf_counter()
            hits = self.hits_for(rec, top, uri=q)
            out.append(
                QueryResult(
                    q,
                    tuple(hits),
                    rec.meta.get("duration_s"),
                    rec.n_frames,
                    seconds={"decode_encode": round(t_enc, 4), "match": round(time.perf_counter() - t1, 4)},
                )
            )
        return out


def search(
    queries: Iterable[str], db: str, top: int = 10, weights: str | None = None, device: str | None = None
) -> list[QueryResult]:
    """Ranked catalog videos, with similarity and matched moments, for each query clip.

    Opens ``db`` read-only (and only briefly); works while a run writes the catalog.
    """
    return SearchIndex(db, weights=weights, device=device).search(list(queries), top)
