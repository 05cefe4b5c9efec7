"""The one record type that travels from decoding to storage.

A :class:`FrameRecord` holds the sampled frames of one video and, once an
encoder has run, their features.  Every stage (decode → encode → shard →
score) passes the same type, and the record checks its own shapes so that a
bug in one stage fails loudly at the boundary instead of corrupting a shard.

Shapes (T = sampled frames, D = feature dim, R = regions per frame):

- ``t_s``         float64 [T]        decoder presentation times in seconds
- ``frame_idx``   int64   [T]        index of the frame in the decoded stream
- ``pixels``      uint8   [T, H, W, 3] RGB, only between decode and encode
- ``global_vecs`` float32 [T, D]     L2-normalised frame descriptors
- ``region_vecs`` float32 [T, R, D]  L2-normalised region descriptors
- ``centroids``   float32 [T, 2]     attention/saliency centroid (x, y) in [0, 1]²
- ``camera``      float32 [T, 3]     camera velocity (vx, vy) in frame sizes/s and the
                                     phase-correlation peak (vidfp.fingerprints.camera);
                                     measured on the pixels when features are attached
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np


class RecordShapeError(ValueError):
    """A record's arrays disagree with each other or with the documented shapes."""


@dataclass(frozen=True)
class FrameRecord:
    video_id: str
    t_s: np.ndarray
    frame_idx: np.ndarray
    pixels: np.ndarray | None = None
    global_vecs: np.ndarray | None = None
    region_vecs: np.ndarray | None = None
    centroids: np.ndarray | None = None
    camera: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        t = np.asarray(self.t_s)
        if t.ndim != 1:
            raise RecordShapeError(f"t_s must be 1-D, got shape {t.shape}")
        n = t.shape[0]
        if np.asarray(self.frame_idx).shape != (n,):
            raise RecordShapeError(f"frame_idx must have shape ({n},), got {np.asarray(self.frame_idx).shape}")
        if n > 1 and np.any(np.diff(t) <= 0):
            raise RecordShapeError("t_s must be strictly increasing")
        if self.pixels is not None:
            p = self.pixels
            if p.dtype != np.uint8 or p.ndim != 4 or p.shape[0] != n or p.shape[3] != 3:
                raise RecordShapeError(f"pixels must be uint8 [{n}, H, W, 3], got {p.dtype} {p.shape}")
        if self.global_vecs is not None:
            g = self.global_vecs
            if g.ndim != 2 or g.shape[0] != n:
                raise RecordShapeError(f"global_vecs must be [{n}, D], got {g.shape}")
        if self.region_vecs is not None:
            r = self.region_vecs
            if r.ndim != 3 or r.shape[0] != n:
                raise RecordShapeError(f"region_vecs must be [{n}, R, D], got {r.shape}")
        if self.centroids is not None:
            c = self.centroids
            if c.shape != (n, 2):
                raise RecordShapeError(f"centroids must be [{n}, 2], got {c.shape}")
            if n and (np.nanmin(c) < -1e-6 or np.nanmax(c) > 1 + 1e-6):
                raise RecordShapeError("centroids must lie in [0, 1]²")
        if self.camera is not None and np.asarray(self.camera).shape != (n, 3):
            raise RecordShapeError(f"camera must be [{n}, 3], got {np.asarray(self.camera).shape}")
        if (self.global_vecs is None) != (self.region_vecs is None) or (self.global_vecs is None) != (
            self.centroids is None
        ):
            raise RecordShapeError("global_vecs, region_vecs and centroids are set together or not at all")

    @property
    def n_frames(self) -> int:
        return int(np.asarray(self.t_s).shape[0])

    @property
    def has_features(self) -> bool:
        return self.global_vecs is not None

    def with_features(
        self,
        global_vecs: np.ndarray,
        region_vecs: np.ndarray,
        centroids: np.ndarray,
        camera: np.ndarray | None = None,
    ) -> FrameRecord:
        """Return a copy carrying features and no pixels (pixels are never stored).

        ``camera`` defaults to the record's own, or to the camera motion measured
        on its pixels when it has them, so every encoder gets the same signal.
        """
        if camera is None:
            camera = self.camera
        if camera is None and self.pixels is not None:
            from vidfp.fingerprints.camera import camera_motion

            camera = camera_motion(self.pixels, np.asarray(self.t_s))
        return replace(
            self,
            pixels=None,
            global_vecs=np.ascontiguousarray(global_vecs, dtype=np.float32),
            region_vecs=np.ascontiguousarray(region_vecs, dtype=np.float32),
            centroids=np.ascontiguousarray(centroids, dtype=np.float32),
            camera=None if camera is None else np.ascontiguousarray(camera, dtype=np.float32),
        )
