"""Family A's camera paths: the copied shapes and the same-place paths derived from them."""

import numpy as np
import pytest

from vidfp.corpus.journeys import BASE_PATHS, path_points


def _points(kind: str, n: int = 180) -> np.ndarray:
    return path_points(kind, n, np.random.default_rng(0))[0]


@pytest.mark.parametrize("base", BASE_PATHS)
def test_reverse_and_mirror_keep_the_place_and_change_the_path(base):
    c, r, m = _points(base), _points(f"{base}~reverse"), _points(f"{base}~mirror")
    jitter = 0.02  # the hand-held jitter (σ 0.002) on each of two paths, with margin
    assert np.abs(r - c[::-1]).max() < jitter  # the same positions, played backwards
    assert np.abs(m[:, 0] - (1 - c[:, 0])).max() < jitter and np.abs(m[:, 1] - c[:, 1]).max() < jitter
    assert np.abs(r - c).mean() > 0.1 and np.abs(m - c).mean() > 0.05  # other paths all the same


def test_pan_ops_equal_the_named_pan_paths():
    assert np.abs(_points("pan~reverse") - _points("reverse")).max() < 0.02
    assert np.abs(_points("pan~mirror") - _points("mirror")).max() < 0.02


def test_stopgo_halts_for_long_stretches_and_moves_between():
    c = _points("stopgo")
    speed = np.linalg.norm(c[10:] - c[:-10], axis=1) * 180 / 10  # path widths per video, over 10 samples
    still = speed < 0.3  # the jitter alone gives ≈ 0.05; walking gives ≈ 3
    assert 0.35 < still.mean() < 0.65  # about half the time at a halt
    runs = np.diff(np.flatnonzero(np.diff(still.astype(int)) != 0))
    assert runs.max() > 20 and speed.max() > 1.0  # a halt lasts, and the walk between is brisk


def test_spiral_widens():
    c = _points("spiral")
    r = np.linalg.norm(c - 0.5, axis=1)
    assert r[:20].mean() < 0.1 < 0.25 < r[-20:].mean()


def test_unknown_op_is_refused():
    with pytest.raises(ValueError):
        path_points("pan~sideways", 10, np.random.default_rng(0))
