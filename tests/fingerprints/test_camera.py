"""Camera motion: phase-correlation velocities, and that copies' tracks agree where other paths' do not."""

import numpy as np
import pytest

from vidfp.corpus.journeys import path_points, render_journey
from vidfp.fingerprints.camera import camera_motion, mirror
from vidfp.fingerprints.camera_compare import compare_camera


def _texture(seed: int = 0, size: int = 400) -> np.ndarray:
    rng = np.random.default_rng(seed)
    from scipy.ndimage import gaussian_filter

    img = gaussian_filter(rng.uniform(0, 255, (size, size, 3)), sigma=(3, 3, 0))
    img = (img - img.min()) / (img.max() - img.min()) * 255
    return img.astype(np.uint8)


def _shifted(img: np.ndarray, shifts: list[tuple[int, int]], hw=(96, 96)) -> np.ndarray:
    h, w = hw
    return np.stack([img[150 + dy : 150 + dy + h, 150 + dx : 150 + dx + w] for dx, dy in shifts])


def test_recovers_known_translation_at_any_frame_rate():
    img = _texture()
    shifts = [(3 * k, -2 * k) for k in range(8)]  # content window moves right/up → content moves left/down
    frames = _shifted(img, shifts)
    for fps in (1.0, 2.5, 30.0):
        t = np.arange(8) / fps
        cam = camera_motion(frames, t)
        assert cam.shape == (8, 3) and cam.dtype == np.float32
        # resampled to 64 px: a 3 px shift at 96 px is 2 bins of 64
        np.testing.assert_allclose(cam[1:, 0], -3 / 96 * fps, rtol=0.12)
        np.testing.assert_allclose(cam[1:, 1], 2 / 96 * fps, rtol=0.12)
        assert (cam[1:, 2] > 0.3).all()


def test_variable_frame_rate_uses_real_gaps():
    img = _texture(1)
    shifts = [(2 * k, 0) for k in range(6)]
    t = np.array([0.0, 0.1, 0.3, 0.35, 0.9, 1.0])  # uneven gaps, same shift per frame
    cam = camera_motion(_shifted(img, shifts), t)
    np.testing.assert_allclose(cam[1:, 0] * np.diff(t), -2 / 96, rtol=0.15)


def test_single_frame_and_static():
    img = _texture(2)
    assert np.all(camera_motion(_shifted(img, [(0, 0)]), np.zeros(1)) == 0)
    static = camera_motion(_shifted(img, [(0, 0)] * 5), np.arange(5.0))
    assert np.abs(static[:, :2]).max() < 1e-3
    score, weight = compare_camera(static, static, np.arange(5), np.arange(5))
    assert weight == 0.0  # a static scene abstains


@pytest.fixture(scope="module")
def journeys():
    img = _texture(3, 600)
    rng = np.random.default_rng(0)
    out = {}
    for k in ("pan", "reverse", "cross"):
        c, z = path_points(k, 48, rng)
        out[k] = render_journey(img, c, z, (96, 128))
    return out


def test_copies_agree_other_paths_do_not(journeys):
    t = np.arange(48) / 4.0
    idx = np.arange(48)
    pan = camera_motion(journeys["pan"], t)
    crop = camera_motion(journeys["pan"][:, 8:88, 10:118], t)
    flipped = camera_motion(journeys["pan"][:, :, ::-1].copy(), t)
    slow = camera_motion(journeys["pan"][::2], t[::2] * 2)  # half speed, every other frame
    assert compare_camera(pan, crop, idx, idx)[0] > 0.9
    assert compare_camera(pan, flipped, idx, idx)[0] < 0.5  # the vertical wave still agrees
    assert compare_camera(pan, mirror(flipped), idx, idx)[0] > 0.9
    assert compare_camera(pan, slow, idx[::2], idx[:24])[0] > 0.9
    assert compare_camera(pan, camera_motion(journeys["reverse"], t), idx, idx[::-1].copy())[0] < 0.2
    assert compare_camera(pan, camera_motion(journeys["reverse"], t), idx, idx)[0] < 0.2
    assert compare_camera(pan, camera_motion(journeys["cross"], t), idx, idx)[0] < 0.5
