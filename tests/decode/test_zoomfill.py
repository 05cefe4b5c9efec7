"""A blurred fill told by what it shows (vidfp.decode.zoomfill): the video zoomed about the centre."""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from vidfp.corpus.media import clip_path, read_frames
from vidfp.corpus.transforms import vertical
from vidfp.decode.borders import LUMA, _ends_in_step, _flat_runs, remove_borders, resize_bilinear
from vidfp.decode.zoomfill import zoom_corr, zoom_fill_band

S = 144


def _luma(frames: np.ndarray) -> np.ndarray:
    return frames.astype(np.float32) @ LUMA


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_zoom_corr_equals_a_plain_loop(seed):
    """The vectorised ρ(k) = Pearson's r of every band pixel against the content pixel the zoom maps
    it to, written out one pixel at a time (the vectorisation; the geometry itself is checked against
    fills the corpus transform makes, below)."""
    rng = np.random.default_rng(seed)
    t, n, w = 3, 20 + seed, 17
    yb = rng.normal(size=(t, n, w)).astype(np.float32)
    k = 3 + seed
    hc = n - 2 * k
    s = n / hc
    a, b = [], []
    for f in range(t):
        for r in [*range(k), *range(n - k, n)]:
            for c in range(w):
                u = min(max(int(np.round((r - n / 2) / s + hc / 2 - 0.5)), 0), hc - 1) + k
                v = min(max(int(np.round((c - w / 2) / s + w / 2 - 0.5)), 0), w - 1)
                a.append(yb[f, u, v])
                b.append(yb[f, r, c])
    assert zoom_corr(yb, k) == pytest.approx(np.corrcoef(a, b)[0, 1], abs=1e-6)
    assert zoom_corr(yb, 0) == -1.0 and zoom_corr(yb, n // 2) == -1.0  # nothing to compare


def test_a_repost_whose_content_softens_at_its_edges_is_found_by_its_zoom():
    """The real carphone clip's top (a dark ceiling) ramps into its fill instead of stepping, so the
    detail rule alone keeps the 9:16 repost whole; its fill is the clip zoomed, and the fitted band
    is the clip's own rows."""
    fr, fps = read_frames(clip_path("carphone_pristine"))
    fr = fr[:: max(1, int(fps / 2))]
    v, _, _ = vertical(fr, fps, np.random.default_rng(0))
    sq = resize_bilinear(v, (S, S))
    y = _luma(sq)
    detail = np.median(np.abs(np.diff(y, axis=2)).mean(axis=0), axis=1)
    lead, trail = _flat_runs(detail, 0.4, 0.2, 0.08, 0.6)
    assert lead > 0 and not _ends_in_step(detail, lead, trail, 3.0)  # the step rule misses it
    band = fr.shape[1] / v.shape[1] * S  # the clip's rows in the squashed frame
    k = zoom_fill_band(y, lead, trail)
    assert k is not None and abs(k - (S - band) / 2) <= 2
    assert remove_borders(sq, fill=True)[1] == (k, S - k, 0, S)


@pytest.mark.parametrize("clip", ["carphone_pristine", "bikes"])
@pytest.mark.parametrize("native", [False, True])
def test_the_coarse_to_fine_search_equals_the_exhaustive_one(clip, native):
    """ρ(k) on every third k, then around the best: the band found equals the one every k gives,
    on 9:16 reposts of real clips, squashed and at their own size."""
    fr, fps = read_frames(clip_path(clip))
    v, _, _ = vertical(fr[:: max(1, int(fps / 2))], fps, np.random.default_rng(0))
    y = _luma(v if native else resize_bilinear(v, (S, S)))
    detail = np.median(np.abs(np.diff(y, axis=2)).mean(axis=0), axis=1)
    lead, trail = _flat_runs(detail, 0.4, 0.2, 0.08, 0.6)
    want = zoom_fill_band(y, lead, trail, grid=1)
    assert want is not None
    assert zoom_fill_band(y, lead, trail) == want


def test_a_picture_that_only_resembles_its_zoom_has_no_peak():
    """carphone_distorted softens towards top and bottom: ρ(k) rises towards the narrowest band and
    never peaks inside the range, so no fill is claimed (test_borders: nothing is cropped)."""
    fr, fps = read_frames(clip_path("carphone_distorted"))
    y = _luma(resize_bilinear(fr[:: max(1, int(fps / 2))], (S, S)))
    detail = np.median(np.abs(np.diff(y, axis=2)).mean(axis=0), axis=1)
    lead, trail = _flat_runs(detail, 0.4, 0.2, 0.08, 0.6)
    assert lead > 0  # the detail profile alone would call it a fill
    assert zoom_fill_band(y, lead, trail) is None
    yb = gaussian_filter(y, (0, 3, 3))
    rho = [zoom_corr(yb, k) for k in range(min(lead, trail) - 4, max(lead, trail) + 5)]
    assert int(np.argmax(rho)) in (0, len(rho) - 1)  # the maximum sits at an end of the range


def test_flat_bands_that_do_not_show_the_video_are_left_to_the_step_rule():
    """Grey bands of equal height over a real clip are no zoom of it (no peak); they end in a step,
    so the detail rule still crops them, at their own rows."""
    fr, _ = read_frames(clip_path("bikes"))
    even = resize_bilinear(fr[::6], (160, 160))
    even[:, :40] = 90
    even[:, 120:] = 90
    y = _luma(even)
    assert zoom_fill_band(y, 40, 40) is None
    assert remove_borders(even, fill=True)[1] == (40, 120, 0, 160)


def test_a_pillarboxed_clip_over_its_zoom_is_found_on_the_columns():
    """The same geometry across: carphone (soft at its edges) pillarboxed over its own blurred zoom.
    The fill is made by the corpus transform on the transposed clip, independently of zoomfill's
    mapping; the columns found are the clip's own, and the rows are left alone."""
    fr, fps = read_frames(clip_path("carphone_pristine"))
    fr = np.ascontiguousarray(fr[:: max(1, int(fps / 2))].transpose(0, 2, 1, 3))  # portrait: W < H
    v, _, _ = vertical(fr, fps, np.random.default_rng(0))
    v = np.ascontiguousarray(v.transpose(0, 2, 1, 3))  # back across: the fill left and right
    sq = resize_bilinear(v, (S, S))
    y = _luma(sq).transpose(0, 2, 1)  # columns as rows
    detail = np.median(np.abs(np.diff(y, axis=2)).mean(axis=0), axis=1)
    lead, trail = _flat_runs(detail, 0.4, 0.2, 0.08, 0.6)
    assert lead > 0 and not _ends_in_step(detail, lead, trail, 3.0)  # the step rule misses it
    true = (S - fr.shape[1] / v.shape[2] * S) / 2  # the clip's columns in the squashed frame
    y0, y1, x0, x1 = remove_borders(sq, fill=True)[1]
    assert (y0, y1) == (0, S) and abs(x0 - true) <= 1 and abs((S - x1) - true) <= 1
