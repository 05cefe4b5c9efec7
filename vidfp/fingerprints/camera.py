"""Camera motion: the global image translation between sampled frames.

This is the non-semantic signal that separates a copy from another recording
of the same place best.  Two journeys through one scene show similar frames,
but the camera moves differently (the other way, across, at another pace);
a copy keeps its source's camera motion up to a constant factor (resize,
crop, letterbox), a sign (mirror) and a time map (speed, frame-rate change).

Estimation (per video, encoder-independent, computed on the decoded pixels):
grey frames are block-averaged to about 64 px (S), Hann-windowed, and the phase
correlation between consecutive samples

    R = F_k · conj(F_{k−1}) / |F_k · conj(F_{k−1})|,   r = IFFT(R)

peaks at the translation (dx, dy) of frame k against frame k−1, refined to
sub-pixel accuracy by a parabola through the peak's neighbours.  The peak
height (≤ 1) says how well one translation explains the change: high for a
pan, low for a cut, noise or a static scene.  Per frame we store

    camera[k] = (dx / S / Δt, dy / S / Δt, peak)   float32 [T, 3]

(frame widths/heights per second; row 0 repeats row 1, and a one-frame video
has zeros).

Comparing two tracks along an alignment path: :mod:`vidfp.fingerprints.camera_compare`.
"""

from __future__ import annotations

import numpy as np

SIZE = 64


def _grey_small(pixels: np.ndarray, size: int) -> np.ndarray:
    """uint8 [T, H, W, 3] → float32 [T, h', w'] luma, block-averaged by b = round(min(H, W) / size).

    Block means keep the cost at one pass over the pixels (144² → 72², 224² → 56²);
    velocities are in frame sizes, so the working size does not change their units.
    """
    t, h, w, _ = pixels.shape
    b = max(1, int(round(min(h, w) / size)))
    hh, ww = h // b * b, w // b * b
    luma = np.array([0.299, 0.587, 0.114], np.float32)
    out = np.empty((t, hh // b, ww // b), np.float32)
    for s in range(0, t, 64):  # chunks bound the float copy (600 frames of 224² would be 360 MB)
        g = pixels[s : s + 64, :hh, :ww].astype(np.float32) @ luma
        out[s : s + 64] = g.reshape(len(g), hh // b, b, ww // b, b).mean(axis=(2, 4))
    return out


def camera_motion(pixels: np.ndarray, t_s: np.ndarray, size: int = SIZE) -> np.ndarray:
    """Per-frame camera velocity and confidence, float32 [T, 3] (see module doc)."""
    t = len(pixels)
    out = np.zeros((t, 3), np.float32)
    if t < 2:
        return out
    g = _grey_small(pixels, size)
    sh, sw = g.shape[1:]
    g -= g.mean(axis=(1, 2), keepdims=True)
    win = np.outer(np.hanning(sh), np.hanning(sw)).astype(np.float32)
    f = np.fft.rfft2(g * win)
    cross = f[1:] * np.conj(f[:-1])
    cross /= np.maximum(np.abs(cross), 1e-9)
    r = np.fft.irfft2(cross, s=(sh, sw))  # [T-1, h', w']
    flat = r.reshape(t - 1, -1)
    am = flat.argmax(axis=1)
    py, px = am // sw, am % sw
    n = np.arange(t - 1)
    peak = flat[n, am]

    def refine(p, axis):
        # Foroosh et al. (2002): for a phase-correlation peak the larger neighbour n
        # gives the sub-pixel offset n / (n + peak) towards that neighbour.
        size = sh if axis == 0 else sw
        lo, hi = (p - 1) % size, (p + 1) % size
        if axis == 0:
            a, c = r[n, lo, px], r[n, hi, px]
        else:
            a, c = r[n, py, lo], r[n, py, hi]
        side = np.where(c >= a, 1.0, -1.0)
        nb = np.maximum(np.maximum(a, c), 0.0)
        d = p + side * np.clip(nb / np.maximum(nb + peak, 1e-9), 0, 0.5)
        return np.where(d > size / 2, d - size, d)  # wrap to signed shifts

    dy, dx = refine(py, 0), refine(px, 1)
    dt = np.maximum(np.diff(np.asarray(t_s, np.float64)), 1e-6)
    out[1:, 0] = dx / sw / dt
    out[1:, 1] = dy / sh / dt
    out[1:, 2] = np.clip(peak, 0, 1)
    out[0] = out[1]
    return out


def mirror(camera: np.ndarray) -> np.ndarray:
    """The camera motion of the horizontally flipped video (vx → −vx)."""
    c = camera.copy()
    c[:, 0] = -c[:, 0]
    return c
