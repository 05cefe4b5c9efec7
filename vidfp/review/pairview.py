"""Why two videos were linked: their frame-to-frame similarity matrix and alignment paths,
recomputed from the shards with the scorer's own pieces.

For a stored pair (A, B) with A's region vectors [Ta, R, D] and B's [Tb, R, D]
(mirrored when the pair matched flipped), ``S = chamfer_matrix(A, B)`` [Ta, Tb]
is exactly the matrix the scorer aligned, and the scorer's own aligner (τ from the
catalog's calibration, ``max_paths`` and ``path_trim`` from its latest run's settings)
gives its paths (best first); the scorer's segments are those paths in seconds.  A pair
stored by an earlier run with other settings (before ``path_trim``, say) is redrawn with
the current ones until ``vidfp rescan`` rescores it.  Nothing is stored; a pair page costs one
Chamfer matrix and one alignment (milliseconds for clips, see README).
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from vidfp.records import FrameRecord
from vidfp.review.data import Video
from vidfp.search.settings import CatalogSettings, make_encoder
from vidfp.similarity.alignment import AlignedPath
from vidfp.similarity.chamfer import chamfer_matrix
from vidfp.similarity.scoring import DEFAULT_CALIBRATION, PairScorer
from vidfp.store.shards import read_shard

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PairMatrix:
    sim: np.ndarray  # float32 [Ta, Tb]
    t_a: np.ndarray  # float64 [Ta] seconds
    t_b: np.ndarray  # float64 [Tb]
    paths: list[AlignedPath]  # best first; indices into sim
    flipped: bool
    tau: float  # frames below τ cost the path
    center: float  # calibrated similarity of unrelated frames
    hi: float  # full evidence


def _grid_mirror(global_vecs: np.ndarray, region_vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Encoder.flip's default (a g×g region grid mirrored) for encoders this module cannot build."""
    from vidfp.encoders.base import Encoder

    g = math.isqrt(region_vecs.shape[1])
    return Encoder.flip(SimpleNamespace(grid=g), global_vecs, region_vecs)


def flip_function(settings: CatalogSettings):
    """The catalog encoder's mirror map (None when it cannot be had: only the straight orientation).

    DINOv3 keeps the base class's grid mirror, which needs no model; every other encoder is built
    (cheap: no weights are run) for its exact map (the baseline's and SSCD's are permutations)."""
    if settings.encoder == "dinov3":
        return _grid_mirror
    try:
        return make_encoder(settings).flip
    except Exception as e:  # noqa: BLE001 - a missing model or other sampling: show the straight matrix
        log.warning("no mirror map for encoder %s: %s", settings.encoder, e)
        return None


class PairMatrices:
    """Recomputes pairs of one catalog (settings read once).

    Shards are read whole (a Parquet shard holds up to 64 videos), and a report draws hundreds of
    pairs over the same videos, so the last ``cached_shards`` shards read are kept: without that, a
    165-video catalog's report read a whole shard twice per pair and took minutes.  Memory is at
    most ``cached_shards`` shards' fingerprints.
    """

    def __init__(self, settings: CatalogSettings, cached_shards: int = 4):
        self.settings = settings
        self.flip = flip_function(settings)
        self.scorer = PairScorer(settings.scoring, flip=self.flip, calibration=settings.calibration)
        self.calibration = settings.calibration or DEFAULT_CALIBRATION
        self.cached_shards = max(1, cached_shards)
        self._shards: OrderedDict[str, dict[str, FrameRecord]] = OrderedDict()
        self.shard_reads = 0

    def record(self, v: Video) -> FrameRecord:
        """``v``'s fingerprints from its shard (cached, least recently used shard dropped first)."""
        uri = v.shard_uri
        if uri not in self._shards:
            self.shard_reads += 1
            self._shards[uri] = {r.video_id: r for r in read_shard(uri)}
            while len(self._shards) > self.cached_shards:
                self._shards.popitem(last=False)
        self._shards.move_to_end(uri)
        rec = self._shards[uri][v.video_id]  # KeyError: not in its shard (the caller shows a placeholder)
        rec.meta["duration_s"] = v.duration_s
        return rec

    def compute(self, a: Video, b: Video, flipped: bool | None = None) -> PairMatrix:
        """Matrix and paths of (A, B); ``flipped`` None: both orientations, the better kept (as the scorer)."""
        if not (a.shard_uri and b.shard_uri):
            raise ValueError("no fingerprints stored for this pair")
        ra, rb = self.record(a), self.record(b)
        options = [False, True] if flipped is None else [bool(flipped)]
        if self.flip is None:
            options = [False]
        best = None
        for fl in options:
            regions = self.flip(rb.global_vecs, rb.region_vecs)[1] if fl else rb.region_vecs
            sim = chamfer_matrix(ra.region_vecs, regions)
            paths = self.scorer.aligner.align(sim)
            score = paths[0].score if paths else -np.inf
            if best is None or score > best[0]:
                best = (score, fl, sim, paths)
        _, fl, sim, paths = best
        return PairMatrix(
            sim,
            np.asarray(ra.t_s, np.float64),
            np.asarray(rb.t_s, np.float64),
            paths,
            fl,
            self.scorer.tau,
            self.calibration.center,
            self.scorer.hi,
        )
