"""A hand-held camera held on one place, recorded more than once (bench family A).

Family A's journeys are tripod moves: a pan, a stop-and-go walk, a spiral, each smooth, with a
jitter of 0.2 % of the photo per frame.  Much real footage is hand-held instead: someone points a
phone at a thing and holds it there, so the picture drifts slowly and shakes a few times a second,
and most of what the camera "does" is that shake.  Two takes of the same thing show the same place
in every frame (appearance says "the same"), and only the camera's own drift and shake tell them
apart; a copy keeps them, but sampled at 2 frames/s a copy's samples fall on other moments of a
shake of 2–5 Hz than its source's whenever its clock differs (a speed or frame-rate change, a
sub-clip that starts between two of the source's samples).

The place is a real terrain map: the elevation model of the Jacksboro fault that matplotlib ships
as sample data (``jacksboro_fault_dem.npz``, read from the installed package, never copied),
shaded as a relief; no other family uses it.  A take holds a view of zoom 0.45 on one spot of the
map, shared by every take, and moves it by

    c(t) = c₀ + drift(t) + shake(t),

drift a random walk smoothed over about a second (reach ≈ 0.04 of the map), shake three sinusoids
of 1.5–5 Hz with random phases (each 0.3–0.8 % of the map, ≈ 1–2 % of the view) plus 0.1 % noise
per frame; the zoom breathes by ±2 %.  Each take draws its own drift and shake.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from vidfp.corpus.journeys import render_journey

ZOOM = 0.45


def terrain() -> np.ndarray:
    """The shaded relief of matplotlib's Jacksboro fault elevation model, uint8 [344, 403, 3]."""
    import matplotlib.cm as cm
    from matplotlib import cbook
    from matplotlib.colors import LightSource

    with cbook.get_sample_data("jacksboro_fault_dem.npz") as dem:  # an NpzFile
        z = dem["elevation"].astype(np.float64)
    rgb = LightSource(azdeg=315, altdeg=45).shade(z, cmap=cm.gist_earth, blend_mode="overlay", vert_exag=3)
    return np.round(np.clip(rgb[..., :3], 0, 1) * 255).astype(np.uint8)


#: places a hand-held take can hold on: name → image (bench scale: ``Scale.handheld``)
PLACES = {"terrain": terrain}


def place_spot(rng: np.random.Generator) -> np.ndarray:
    """The spot every take of one place holds on: c₀ ∈ [0.4, 0.6]², float [2]."""
    return 0.5 + rng.uniform(-0.1, 0.1, 2)


def handheld_path(n: int, fps: float, spot: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Centres [n, 2] and zooms [n] of one hand-held take of ``n`` frames at ``fps`` (module doc)."""
    t = np.arange(n) / fps
    walk = np.cumsum(rng.normal(0.0, 1.0, (n, 2)), axis=0)
    drift = gaussian_filter1d(walk, sigma=fps, axis=0)
    drift -= drift.mean(axis=0)
    drift *= 0.04 / max(float(np.abs(drift).max()), 1e-9)
    shake = np.zeros((n, 2))
    for _ in range(3):
        f = rng.uniform(1.5, 5.0, 2)
        a = rng.uniform(0.003, 0.008, 2)
        shake += a * np.sin(2 * np.pi * f * t[:, None] + rng.uniform(0, 2 * np.pi, 2))
    shake += rng.normal(0.0, 0.001, (n, 2))
    zoom = ZOOM * (1.0 + 0.02 * np.sin(2 * np.pi * t / rng.uniform(4.0, 8.0) + rng.uniform(0, 2 * np.pi)))
    return np.clip(spot + drift + shake, 0, 1), zoom


def render_handheld(
    img: np.ndarray,
    n: int,
    fps: float,
    spot: np.ndarray,
    rng: np.random.Generator,
    out_hw: tuple[int, int] = (144, 192),
) -> np.ndarray:
    """One hand-held take over ``img``: uint8 [n, H, W, 3]."""
    c, z = handheld_path(n, fps, spot, rng)
    return render_journey(img, c, z, out_hw)
