"""PyAV path: one-pass streaming sampling equals the sampler on all frame times, exactly
(and the two-pass path when the grid is stretched); missing pts fall back to index / rate."""

import numpy as np
import pytest

from tests.decode.quirk_media import reference, write
from vidfp.config import DecodeConfig
from vidfp.decode import decode_video, sample_indices
from vidfp.decode.probe import probe
from vidfp.decode.pyav_reader import decode_pyav
from vidfp.decode.sampler import indices_at

SIZE = (32, 48)


@pytest.fixture(scope="module")
def vfr(tmp_path_factory):
    steps = np.random.default_rng(3).integers(15, 160, 80)
    pts = np.concatenate([[0], np.cumsum(steps[:-1])])
    return write(
        tmp_path_factory.mktemp("pyav") / "vfr.mkv",
        "libx264",
        80,
        25,
        fmt="matroska",
        options={"crf": "10"},
        pts_ms=pts,
    )


@pytest.mark.parametrize(
    "fps,max_frames", [(0.5, 600), (2.0, 600), (7.0, 600), (30.0, 600), (30.0, 80), (2.0, 5), (30.0, 1)]
)
def test_pyav_sampling_equals_the_sampler_on_all_frames(vfr, fps, max_frames, monkeypatch):
    from vidfp.decode import pyav_reader

    passes = []
    second = pyav_reader._second_pass
    monkeypatch.setattr(pyav_reader, "_second_pass", lambda *a: passes.append(1) or second(*a))
    ref_t, ref_px = reference(vfr, SIZE)  # slow reference: every frame decoded and converted
    d = decode_pyav(str(vfr), SIZE, DecodeConfig(fps=fps, max_frames=max_frames), probe(str(vfr)))
    want = sample_indices(ref_t, fps, max_frames)
    uncapped = sample_indices(ref_t, fps, 10**9)
    assert len(passes) == int(uncapped.tolist() != want.tolist())  # a second pass only for a stretched grid
    assert d.idx.tolist() == want.tolist()
    np.testing.assert_array_equal(d.t_start, ref_t)
    np.testing.assert_array_equal(d.pixels, ref_px[want])
    assert d.note is None


def test_missing_pts_fall_back_to_index_over_rate(tmp_path):
    p = write(tmp_path / "raw.h264", "libx264", 40, 25, fmt="h264", options={"crf": "10"})  # no timestamps
    rec, meta = decode_video(str(p), "v", SIZE, DecodeConfig(fps=2.0, remove_borders=False, find_inset=False))
    assert meta.n_frames_total == 40
    np.testing.assert_allclose(rec.t_s, rec.frame_idx / 25.0)
    assert rec.frame_idx.tolist() == [0, 12, 25, 37]
    note = rec.meta["decode_note"]
    assert "PyAV times invalid (missing (40 of 40 frames))" in note and "25 fps" in note
    _, ref_px = reference(p, SIZE)
    np.testing.assert_array_equal(rec.pixels, ref_px[rec.frame_idx])


def test_pyav_at_given_instants_equals_the_frames_on_screen(vfr):
    """Segment refinement's instants (vidfp.pipeline.refine) through PyAV: the frames on screen then."""
    ref_t, ref_px = reference(vfr, SIZE)
    at = np.array([0.0, 0.33, 0.335, 1.7, 2.95, 99.0])
    d = decode_pyav(str(vfr), SIZE, DecodeConfig(), probe(str(vfr)), at_s=at)
    want = indices_at(ref_t, at)
    assert d.idx.tolist() == want.tolist() == sorted(set(want.tolist()))
    np.testing.assert_array_equal(d.pixels, ref_px[want])
