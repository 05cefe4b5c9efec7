"""The encoder interface: pixels in, (global, regions, centroid) per frame out."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class Encoder(ABC):
    """Strategy interface for frame encoders.

    ``encode`` maps uint8 pixels [N, H, W, 3] (H, W = ``input_size``) to
      global  float32 [N, D]      L2-normalised
      regions float32 [N, R, Dr]  L2-normalised, R = grid², row-major
      centroid float32 [N, 2]     (x, y) in [0, 1]²
    """

    name: str = "encoder"
    grid: int = 3
    #: True when the encoder is picklable and runs on the CPU, so it can run inside the
    #: decode worker processes (no pixels cross process boundaries, and both cores work).
    runs_in_worker: bool = False
    #: (centre, spread) of region-Chamfer similarities between unrelated videos, used until a
    #: catalog holds enough videos to measure its own background (vidfp.similarity.calibration).
    calibration_prior: tuple[float, float] = (0.5, 0.1)

    @property
    @abstractmethod
    def input_size(self) -> tuple[int, int]:
        """(height, width) of frames the decoder should produce."""

    @abstractmethod
    def encode(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...

    @abstractmethod
    def key(self) -> str:
        """Identity of the features: name, model, weights hash, feature version."""

    def worker_copy(self, workers: int) -> Encoder:
        """The encoder to hand to each of ``workers`` decode processes when ``runs_in_worker``: one
        that uses its share of the cores, so the processes do not fight over them.  Default: itself."""
        return self

    def for_jobs(self, workers: int) -> Encoder | None:
        """What a decode job embeds with (``worker_copy``), or None when this encoder embeds in the
        calling process on pixels the jobs return (a GPU encoder)."""
        return self.worker_copy(workers) if self.runs_in_worker else None

    def info(self) -> dict[str, str]:
        """What the catalog records per video (encoder, model, weights hash)."""
        return {"encoder": self.name, "model": "", "weights_sha": "", "key": self.key()}

    def encode_whole(self, pixels: np.ndarray) -> np.ndarray:
        """Whole-frame descriptors float32 [N, D'], L2-normalised, compared by cosine in the orientation
        given (segment refinement, vidfp.pipeline.refine, needs only these).  Default: the global
        vectors of ``encode``; encoders with a cheaper way override it."""
        return self.encode(pixels)[0]

    def region_positions(self) -> np.ndarray:
        """Centres (x, y) ∈ [0, 1]² of the regions, [R, 2], in ``encode``'s order."""
        g = self.grid
        ys, xs = np.meshgrid((np.arange(g) + 0.5) / g, (np.arange(g) + 0.5) / g, indexing="ij")
        return np.stack([xs.ravel(), ys.ravel()], 1)

    def flip(self, global_vecs: np.ndarray, region_vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Features of the horizontally mirrored frames.

        Default: mirror the region grid (columns reversed) and keep each vector,
        which is right for encoders trained with flip augmentation (DINO's
        descriptors are close to flip-invariant).  Encoders that know their
        exact mirror map override this.
        """
        n, r, d = region_vecs.shape
        g = self.grid
        perm = np.arange(r).reshape(g, g)[:, ::-1].reshape(-1)
        return global_vecs, region_vecs[:, perm]
