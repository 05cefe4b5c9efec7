"""Weight-free, deterministic frame descriptors that survive re-encoding,
resizing, mild crops, colour and grey conversion, and are *exactly*
mirror-equivariant.

Per region of an overlapping multi-scale lattice on the luminance image Y
(½-frame windows at stride ¼ and ⅓-frame windows at stride ⅙: 34 regions):

- a 4×4 mean-pooled thumbnail, mean-removed and L2-normalised (layout;
  invariant to brightness and contrast changes),
- a 2×2-cell histogram of unsigned gradient orientation, 8 soft bins centred
  at (k + ½)·π/8, square-rooted (Hellinger), centred and L2-normalised (edges).

The global vector concatenates an 8×8 whole-frame thumbnail and a 2×2
quadrant orientation histogram, built the same way.  Colour is ignored on
purpose: colour jitter and grey copies are common, and layout plus edges
already separate unrelated videos.

Mirror map.  Flipping x sends g_x → −g_x, so the unsigned angle θ → π − θ and
soft bin k → 7 − k with identical weights; cells and thumbnail columns
reverse.  ``flip`` applies that permutation, so
``encode(mirror(x)) == flip(encode(x))`` up to float rounding (tested).

Centroid: the gradient-energy (|∇Y|²) weighted mean pixel position, the
weight-free stand-in for DINO's attention centroid; it mirrors as x → 1 − x.
"""

from __future__ import annotations

import hashlib

import numpy as np

from vidfp.encoders.base import Encoder

_BINS = 8
_FEATURE_VERSION = "baseline-v2"


def _pool(a: np.ndarray, gy: int, gx: int) -> np.ndarray:
    """Mean-pool [N, H, W, ...] into [N, gy, gx, ...]; H, W divisible by gy, gx."""
    n, h, w = a.shape[:3]
    return a.reshape(n, gy, h // gy, gx, w // gx, *a.shape[3:]).mean(axis=(2, 4))


def _center_norm(x: np.ndarray) -> np.ndarray:
    x = x - x.mean(axis=-1, keepdims=True)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-6)


def luminance(pixels: np.ndarray) -> np.ndarray:
    """uint8 RGB [N, H, W, 3] → float32 luma Y = 0.299 R + 0.587 G + 0.114 B, [N, H, W]."""
    p = pixels.astype(np.float32)
    return 0.299 * p[..., 0] + 0.587 * p[..., 1] + 0.114 * p[..., 2]


def energy_centroid(energy: np.ndarray) -> np.ndarray:
    """Energy-weighted mean pixel position: [N, H, W] → float32 [N, 2] (x, y) ∈ [0, 1]².

    Pixel centres sit at ((j + ½)/W, (i + ½)/H); a frame without energy
    (uniform) gets the centre (½, ½).  Mirroring the energy map sends x → 1 − x.
    """
    h, w = energy.shape[1:]
    xs = (np.arange(w) + 0.5) / w
    ys = (np.arange(h) + 0.5) / h
    tot = energy.sum(axis=(1, 2)) + 1e-12
    cx = (energy.sum(axis=1) * xs).sum(axis=1) / tot
    cy = (energy.sum(axis=2) * ys).sum(axis=1) / tot
    flat = tot <= 1e-9  # a uniform frame has no edges: centre
    cx[flat], cy[flat] = 0.5, 0.5
    return np.stack([cx, cy], axis=1).astype(np.float32)


def gradient_energy_centroid(pixels: np.ndarray) -> np.ndarray:
    """The baseline's centroid for any encoder: |∇Y|²-weighted mean position, [N, 2].

    The weight-free stand-in for an attention centroid (encoders without
    attention maps use it too).
    """
    gy, gx = np.gradient(luminance(pixels), axis=(1, 2))
    return energy_centroid(gx * gx + gy * gy)


class BaselineEncoder(Encoder):
    name = "baseline"
    runs_in_worker = True
    calibration_prior = (0.478, 0.096)  # bench family A, seed 0, 2 frames/s

    def __init__(self, grid: int = 3, size: int = 144):
        if size % 24:
            raise ValueError("size must be divisible by 24")
        self.grid = grid
        self.size = size
        self._build_perms()

    @property
    def input_size(self) -> tuple[int, int]:
        return (self.size, self.size)

    def key(self) -> str:
        return f"{_FEATURE_VERSION}:g{self.grid}:s{self.size}"

    def info(self) -> dict[str, str]:
        return {
            "encoder": self.name,
            "model": f"grid{self.grid}-{self.size}px",
            "weights_sha": "none",
            "key": self.key(),
        }

    # ---- descriptors -------------------------------------------------------
    def _orientation_hist(self, y: np.ndarray, cells: int) -> tuple[np.ndarray, np.ndarray]:
        """Soft orientation histogram per cell: [N, cells, cells, 8]; and |∇|² [N, H, W]."""
        gy, gx = np.gradient(y, axis=(1, 2))
        mag = np.sqrt(gx * gx + gy * gy)
        theta = np.mod(np.arctan2(gy, gx), np.pi)
        u = theta / (np.pi / _BINS) - 0.5
        lo = np.floor(u)
        w_hi = (u - lo).astype(np.float32)
        lo = np.mod(lo, _BINS).astype(np.int64)
        hi = np.mod(lo + 1, _BINS)
        n, h, w = y.shape
        contrib = np.zeros((n, h, w, _BINS), np.float32)
        np.put_along_axis(contrib, lo[..., None], (mag * (1 - w_hi))[..., None], axis=3)
        hi_vals = np.take_along_axis(contrib, hi[..., None], axis=3) + (mag * w_hi)[..., None]
        np.put_along_axis(contrib, hi[..., None], hi_vals, axis=3)
        return _pool(contrib, cells, cells), mag * mag

    def _regions(self) -> list[tuple[int, int, int]]:
        """Region lattice in fine-grid units (24×24 blocks): (row, col, side).

        Side 12 (½ frame) at stride 6, side 8 (⅓ frame) at stride 4: 9 + 25 = 34
        overlapping regions (R-MAC-like), so some region of a cropped or shifted
        copy lines up with a region of its source.  The lattice is symmetric
        under a horizontal mirror.
        """
        out = []
        for side, stride in ((12, 6), (8, 4)):
            for r in range(0, 24 - side + 1, stride):
                for c in range(0, 24 - side + 1, stride):
                    out.append((r, c, side))
        return out

    def encode(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if pixels.ndim != 4 or pixels.shape[1:] != (self.size, self.size, 3):
            raise ValueError(f"expected uint8 [N, {self.size}, {self.size}, 3], got {pixels.shape}")
        n = pixels.shape[0]
        y = luminance(pixels)  # [N, H, W]
        hist, energy = self._orientation_hist(y, 24)  # [N, 24, 24, 8] fine cells
        lum = _pool(y, 24, 24)  # [N, 24, 24]
        th_list, rh_list = [], []
        for r, c, side in self._lattice:
            t = lum[:, r : r + side, c : c + side]
            th_list.append(_pool(t, 4, 4).reshape(n, 16))
            h = hist[:, r : r + side, c : c + side]
            rh_list.append(np.sqrt(_pool(h, 2, 2)).reshape(n, 4 * _BINS))
        th, rh = np.stack(th_list, 1), np.stack(rh_list, 1)  # [N, R, 16], [N, R, 32]
        regions = np.concatenate([_center_norm(th), _center_norm(rh)], axis=-1) / np.sqrt(2.0)
        # global: 8x8 thumbnail + 2x2 quadrant histogram
        gth = _pool(lum, 8, 8).reshape(n, 64)
        qh = np.sqrt(_pool(hist, 2, 2)).reshape(n, 4 * _BINS)
        glob = np.concatenate([_center_norm(gth), _center_norm(qh)], axis=-1) / np.sqrt(2.0)
        cent = energy_centroid(energy)
        return glob.astype(np.float32), regions.astype(np.float32), cent

    # ---- exact mirror map -------------------------------------------------
    def _build_perms(self) -> None:
        self._lattice = self._regions()
        bins_flip = _BINS - 1 - np.arange(_BINS)
        th = np.arange(16).reshape(4, 4)[:, ::-1].reshape(-1)
        rh = np.arange(4 * _BINS).reshape(2, 2, _BINS)[:, ::-1][:, :, bins_flip].reshape(-1)
        self._perm_inner = np.concatenate([th, 16 + rh])
        index = {reg: k for k, reg in enumerate(self._lattice)}
        self._perm_regions = np.array([index[(r, 24 - c - side, side)] for r, c, side in self._lattice])
        gth = np.arange(64).reshape(8, 8)[:, ::-1].reshape(-1)
        qh = np.arange(4 * _BINS).reshape(2, 2, _BINS)[:, ::-1][:, :, bins_flip].reshape(-1)
        self._perm_global = np.concatenate([gth, 64 + qh])

    def region_positions(self) -> np.ndarray:
        return np.array([((c + side / 2) / 24, (r + side / 2) / 24) for r, c, side in self._lattice])

    def flip(self, global_vecs: np.ndarray, region_vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return global_vecs[:, self._perm_global], region_vecs[:, self._perm_regions][:, :, self._perm_inner]


def baseline_digest() -> str:
    return hashlib.sha256(_FEATURE_VERSION.encode()).hexdigest()[:12]
