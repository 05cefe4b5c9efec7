"""distinct_frames against a brute-force reference (every pair compared byte for byte)."""

import numpy as np
import pytest

import vidfp.encoders.distinct as distinct
from vidfp.encoders.distinct import distinct_frames


def _reference(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    first: list[int] = []
    inverse = []
    for i in range(len(x)):
        match = [k for k, j in enumerate(first) if np.array_equal(x[j], x[i])]
        if match:
            inverse.append(match[0])
        else:
            inverse.append(len(first))
            first.append(i)
    return np.array(first, np.int64), np.array(inverse, np.int64)


def _frames(seed: int, n: int, kinds: int) -> np.ndarray:
    """n frames drawn from `kinds` distinct random pictures (repeats near and far), and near-misses:
    a copy of an earlier frame with one byte changed, which must stay distinct."""
    rng = np.random.default_rng(seed)
    pool = rng.integers(0, 256, (kinds, 6, 5, 3), dtype=np.uint8)
    x = pool[rng.integers(0, kinds, n)].copy()
    for i in rng.choice(n, size=n // 5, replace=False):
        x[i, rng.integers(6), rng.integers(5), rng.integers(3)] ^= 1
    return x


@pytest.mark.parametrize("seed", range(6))
def test_matches_brute_force_on_seeded_frames(seed):
    x = _frames(seed, 60, kinds=1 + seed * 3)
    first, inverse = distinct_frames(x)
    ref_first, ref_inverse = _reference(x)
    np.testing.assert_array_equal(first, ref_first)
    np.testing.assert_array_equal(inverse, ref_inverse)
    np.testing.assert_array_equal(x[first][inverse], x)
    assert len(first) < len(x)  # the data do repeat: the test exercises the merging


def test_edge_cases():
    empty = np.zeros((0, 4, 4, 3), np.uint8)
    first, inverse = distinct_frames(empty)
    assert first.shape == (0,) and inverse.shape == (0,)
    same = np.zeros((5, 4, 4, 3), np.uint8)
    first, inverse = distinct_frames(same)
    assert first.tolist() == [0] and inverse.tolist() == [0] * 5
    ramp = np.arange(5 * 48, dtype=np.uint8).reshape(5, 4, 4, 3)
    first, inverse = distinct_frames(ramp)
    assert first.tolist() == inverse.tolist() == list(range(5))


def test_a_digest_collision_does_not_merge_different_frames(monkeypatch):
    monkeypatch.setattr(distinct, "frame_digest", lambda frame: b"same")  # every frame collides
    x = _frames(7, 40, kinds=4)
    first, inverse = distinct_frames(x)
    ref_first, ref_inverse = _reference(x)
    np.testing.assert_array_equal(first, ref_first)
    np.testing.assert_array_equal(inverse, ref_inverse)


@pytest.mark.parametrize("chunk", [1, 3, 64])
def test_encode_distinct_gathers_in_chunks_and_copies_rows_back(chunk):
    x = _frames(3, 50, kinds=9)
    calls = []

    def per_frame(batch):  # two per-frame outputs of different shapes, as an encoder gives
        calls.append(len(batch))
        flat = batch.reshape(len(batch), -1).astype(np.float64)
        return flat.sum(1), flat[:, :4] * np.arange(1, 5)

    expected = per_frame(x)
    calls.clear()
    out = distinct.encode_distinct(per_frame, x, chunk=chunk)
    n_distinct = len(distinct_frames(x)[0])
    assert sum(calls) == n_distinct < len(x) and max(calls) <= chunk
    for a, b in zip(out, expected):
        np.testing.assert_array_equal(a, b)


def test_encode_distinct_without_repeats_calls_encode_on_consecutive_chunks():
    x = np.arange(7 * 48, dtype=np.uint8).reshape(7, 4, 4, 3)  # 7 distinct frames
    seen = []
    out = distinct.encode_distinct(lambda b: seen.append(b.copy()) or (b.reshape(len(b), -1)[:, 0],), x, chunk=3)
    assert [len(b) for b in seen] == [3, 3, 1]
    np.testing.assert_array_equal(np.concatenate(seen), x)
    np.testing.assert_array_equal(out[0], x.reshape(7, -1)[:, 0])
