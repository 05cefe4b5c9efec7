"""The review pages and pictures, rendered for the web app and the static report alike.

Each method returns HTML (or image bytes) for one page; a ``links`` object
(vidfp.review.links) decides whether links point at app routes or report files.
A missing catalog row gives ``None`` (the caller answers 404); a vanished or
unreadable video gives a placeholder picture and a "file missing" note, never
an exception.
"""

from __future__ import annotations

import io
import logging
import math

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape

from vidfp.config import ScoringConfig
from vidfp.review.data import PAGE, CatalogReader, Pair, Video
from vidfp.review.explain import decision, fact_rows, score_rows
from vidfp.review.pairview import PairMatrices
from vidfp.review.plots import matrix_png, tile_times, timeline_png
from vidfp.search.engine import file_stamp
from vidfp.search.settings import CatalogSettings, EmptyCatalog, read_settings
from vidfp.thumbs import ThumbCache, local_file, placeholder

log = logging.getLogger(__name__)

TIMELINE_THUMB_H = 72


def _dur(s: float | None) -> str:
    if s is None or not math.isfinite(s):
        return "–"
    m, sec = divmod(max(float(s), 0.0), 60)
    return f"{int(m)}:{sec:04.1f}"


def _num(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{float(x):.{digits}f}"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{float(x):.0%}"


def make_env() -> Environment:
    env = Environment(loader=PackageLoader("vidfp.review", "templates"), autoescape=select_autoescape(["html"]))
    env.filters.update(dur=_dur, num=_num, pct=_pct)
    return env


def _decode_jpeg(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


class Pages:
    def __init__(self, db: str, links, thumbs: ThumbCache):
        self.db, self.links, self.thumbs = db, links, thumbs
        self.reader = CatalogReader(db)
        self.env = make_env()
        self._stamp = None
        self._settings: CatalogSettings | None = None
        self._matrices: PairMatrices | None = None

    # ---- catalog settings, re-read when a new snapshot is published ---------------
    def settings(self) -> CatalogSettings | None:
        stamp = file_stamp(self.db)
        if stamp != self._stamp:
            with self.reader.lock:
                self._reload(stamp)
        return self._settings

    def _reload(self, stamp) -> None:
        if stamp != self._stamp:
            try:
                self._settings = read_settings(self.db)
                self._matrices = PairMatrices(self._settings)
            except EmptyCatalog:
                self._settings, self._matrices = None, None
            self._stamp = stamp

    def scoring(self) -> ScoringConfig:
        s = self.settings()
        return s.scoring if s else ScoringConfig()

    def render(self, template: str, **ctx) -> str:
        return self.env.get_template(template).render(links=self.links, **ctx)

    # ---- pages -------------------------------------------------------------
    def index(self, sort: str = "size", page: int = 0, per_page: int = PAGE, **ctx) -> str:
        clusters = self.reader.clusters(sort, page, per_page + 1)
        return self.render(
            "index.html",
            clusters=clusters[:per_page],
            has_next=len(clusters) > per_page,
            sort=sort,
            page=page,
            summary=self.reader.summary(),
            n_clusters=self.reader.n_clusters(),
            **ctx,
        )

    def partial(self, page: int = 0, per_page: int = PAGE, **ctx) -> str:
        pairs = self.reader.partial_pairs(page, per_page + 1)
        return self.render("partial.html", pairs=pairs[:per_page], has_next=len(pairs) > per_page, page=page, **ctx)

    def cluster(self, cluster_id: str, **ctx) -> str | None:
        c, inside, leaving = self.reader.cluster(cluster_id)
        if c is None:
            return None
        return self.render("cluster.html", cluster=c, pairs=inside, leaving=leaving, **ctx)

    def video(self, video_id: str, **ctx) -> str | None:
        v, cid, pairs = self.reader.video(video_id)
        if v is None:
            return None
        return self.render("video.html", video=v, cluster_id=cid, pairs=pairs, **ctx)

    def playability(self, v: Video) -> tuple[bool, str]:
        """(can the page offer a player, what to show instead)."""
        if self.links.static:
            if local_file(v.uri) or "://" in v.uri:
                return True, ""
        elif self.media_path(v.video_id):
            return True, ""
        if "://" in v.uri and not v.uri.startswith("file://"):
            return False, f"Not a local file: {v.uri}. Open it with a player that reads this address."
        return False, f"File missing: {v.uri} was moved or deleted after the last scan. Run vidfp ingest to update."

    def pair(self, a: str, b: str, **ctx) -> str | None:
        p = self.reader.pair(a, b)
        if p is None or p.a is None or p.b is None:
            return None
        play_a, why_a = self.playability(p.a)
        play_b, why_b = self.playability(p.b)
        seg = p.segments[0] if p.segments else (0.0, p.a.duration_s or 0.0, 0.0, p.b.duration_s or 0.0, None)
        return self.render(
            "pair.html",
            pair=p,
            decision=decision(p, self.scoring()),
            scores=score_rows(p),
            facts=fact_rows(p),
            playable={"a": play_a, "b": play_b},
            unplayable={"a": why_a, "b": why_b},
            can_play=play_a or play_b,
            first_a=(round(seg[0], 2), round(seg[1], 2)),
            first_b=(round(seg[2], 2), round(seg[3], 2)),
            **ctx,
        )

    def search(self, results, query: str | None = None, error: str | None = None, **ctx) -> str:
        return self.render("search.html", results=results, query=query, error=error, **ctx)

    def error(self, title: str, message: str, **ctx) -> str:
        return self.render("error.html", title=title, message=message, **ctx)

    # ---- files and pictures --------------------------------------------------------
    def media_path(self, video_id: str) -> str | None:
        """The first existing local file the catalog lists for this video (never a path from a request)."""
        for uri in self.reader.local_files(video_id):
            path = local_file(uri)
            if path:
                return path
        return None

    def thumb(self, video_id: str, t_s: float) -> bytes | None:
        """A keyframe JPEG (or a placeholder saying why there is none); None for an unknown video."""
        got = self.thumbs_of(video_id, [t_s])
        return got[0] if got else None

    def thumbs_of(self, video_id: str, times_s: list[float]) -> list[bytes] | None:
        """Keyframes of one video at several times, grabbed in one decoder child."""
        v = self.reader.videos([video_id]).get(video_id)
        if v is None:
            return None
        uri = self.media_path(video_id) or v.uri
        return [jpg for jpg, _ in self.thumbs.get(video_id, uri, times_s)]

    def _pair_or_none(self, a: str, b: str) -> Pair | None:
        p = self.reader.pair(a, b)
        return p if p is not None and p.a is not None and p.b is not None else None

    def matrix(self, a: str, b: str) -> tuple[bytes, str] | None:
        """(image bytes, media type) of the similarity matrix; a placeholder when the shards are gone."""
        p = self._pair_or_none(a, b)
        if p is None:
            return None
        self.settings()
        try:
            if self._matrices is None:
                raise ValueError("no fingerprints in this catalog")
            pm = self._matrices.compute(p.a, p.b, p.flipped)
        except (OSError, ValueError, KeyError) as e:
            log.info("no matrix for %s/%s: %s", a, b, e)
            return placeholder("fingerprints not found\n(shards moved or deleted)", 200, 360), "image/jpeg"
        return matrix_png(pm, p.a.name, p.b.name), "image/png"

    def timeline(self, a: str, b: str) -> tuple[bytes, str] | None:
        p = self._pair_or_none(a, b)
        if p is None:
            return None
        da, db = p.a.duration_s or 1.0, p.b.duration_s or 1.0
        span = max(da, db) + (abs(p.segments[0][0] - p.segments[0][2]) if p.segments else 0.0)
        frames = []
        for v, d in ((p.a, da), (p.b, db)):
            uri = self.media_path(v.video_id) or v.uri
            tile_s, times = tile_times(d, span)
            got = self.thumbs.get(v.video_id, uri, times, height=TIMELINE_THUMB_H)
            frames.append([_decode_jpeg(j) for j, _ in got])
        return timeline_png(p.a.name, p.b.name, da, db, frames[0], frames[1], p.segments, tile_s), "image/png"
