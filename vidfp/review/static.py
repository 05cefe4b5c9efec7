"""``vidfp report``: the review pages as static, read-only HTML, to share or archive.

The same templates as the web app, with links to files instead of routes
(vidfp.review.links.StaticLinks) and without verdict buttons or search box:

    OUT/index.html, index-similarity.html, index-weakest.html   cluster lists (three orders)
    OUT/partial.html                                          partial copies
    OUT/cluster-<id>.html, OUT/pair-<a>-<b>.html              one page each
    OUT/thumbs/*.jpg, OUT/plots/*.png                         keyframes, timelines, matrices

Videos are not copied: players point at the original files (``file://``), which
play where the report is opened on a machine that sees them.  The catalog is only
read; keyframes come from (and go to) the thumbnail cache beside the catalog.
"""

from __future__ import annotations

import logging
import os
import time

from vidfp.review.links import StaticLinks
from vidfp.review.pages import Pages
from vidfp.thumbs import ThumbCache, thumbs_root

log = logging.getLogger(__name__)


class _RecordingLinks(StaticLinks):
    """StaticLinks that remember every keyframe a page shows, so the report writes exactly those."""

    def __init__(self) -> None:
        super().__init__()
        self.thumbs_used: set[tuple[str, float]] = set()

    def thumb(self, vid: str, t_s: float) -> str:
        self.thumbs_used.add((vid, float(t_s)))
        return super().thumb(vid, t_s)


def _write(path: str, data: str | bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(tmp, path)


def write_report(
    db: str, out: str, max_clusters: int = 500, max_pairs: int = 500, thumbs_dir: str | None = None
) -> str:
    """Write the report under ``out``; returns the path of its index.html."""
    t0 = time.perf_counter()
    links = _RecordingLinks()
    pages = Pages(db, links, ThumbCache(thumbs_dir or thumbs_root(db)))
    reader = pages.reader
    clusters = reader.clusters("size", 0, max_clusters)
    links.clusters = {c.cluster_id for c in clusters}
    cluster_pages = {}
    pairs = []
    for c in clusters:
        _, inside, leaving = reader.cluster(c.cluster_id)
        cluster_pages[c.cluster_id] = None
        pairs += inside + leaving
    pairs += reader.partial_pairs(0, max_pairs)
    chosen = sorted({(p.video_a, p.video_b): p for p in pairs}.values(), key=lambda p: -p.similarity)[:max_pairs]
    links.pairs = {(p.video_a, p.video_b) for p in chosen}

    for sort in ("size", "similarity", "weakest"):
        _write(os.path.join(out, links.index(sort)), pages.index(sort, 0, per_page=max_clusters))
    _write(os.path.join(out, links.partial()), pages.partial(0, per_page=max_pairs))
    for cid in cluster_pages:
        _write(os.path.join(out, links.cluster(cid)), pages.cluster(cid))
    for p in chosen:
        a, b = p.video_a, p.video_b
        _write(os.path.join(out, links.pair(a, b)), pages.pair(a, b))
        for rel, got in ((links.matrix(a, b), pages.matrix(a, b)), (links.timeline(a, b), pages.timeline(a, b))):
            if got is not None:
                _write(os.path.join(out, rel), got[0])
    by_video: dict[str, list[float]] = {}
    for vid, t in sorted(links.thumbs_used):
        by_video.setdefault(vid, []).append(t)
    for vid, times in by_video.items():  # one decoder child per video
        for t, data in zip(times, pages.thumbs_of(vid, times) or [], strict=False):
            _write(os.path.join(out, links.thumb(vid, t)), data)
    log.info(
        "report: %d clusters, %d pair pages, %d keyframes in %.1f s",
        len(cluster_pages),
        len(chosen),
        len(links.thumbs_used),
        time.perf_counter() - t0,
    )
    return os.path.join(out, "index.html")
