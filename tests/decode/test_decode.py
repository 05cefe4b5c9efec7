"""Timestamps come from the decoder: fps ≠ 1, other source rates, variable frame rate."""

import av
import numpy as np
import pytest

from tests.conftest import write_test_video
from vidfp.config import DecodeConfig
from vidfp.decode import DecodeError, decode_video, sample_indices
from vidfp.decode.sampler import indices_at


def container_pts(path):
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return np.array(sorted(float(f.pts * s.time_base) for f in c.decode(s)))


def test_sampler_picks_frame_on_screen():
    starts = np.arange(10) / 4.0  # 4 fps source
    assert sample_indices(starts, fps=2.0, max_frames=100).tolist() == [0, 2, 4, 6, 8]
    assert sample_indices(starts, fps=1.0, max_frames=2).tolist() == [0, 9]  # stretched to span the video
    with pytest.raises(ValueError):
        sample_indices(starts, fps=0, max_frames=5)


@pytest.mark.parametrize("src_fps,fps", [(30.0, 2.0), (25.0, 3.0), (12.0, 0.5)])
def test_timestamps_match_container_at_various_rates(tmp_path, src_fps, fps):
    p = tmp_path / "v.mp4"
    write_test_video(p, n=60, fps=src_fps)
    rec, meta = decode_video(str(p), "v", (32, 32), DecodeConfig(fps=fps))
    pts = container_pts(p)
    np.testing.assert_allclose(rec.t_s, pts[rec.frame_idx] - pts[0], atol=2e-3)
    step = np.diff(rec.t_s)
    assert np.all(np.abs(step - 1 / fps) <= 1 / src_fps + 1e-3)  # one sample per 1/fps, to a frame
    assert rec.pixels.shape == (len(rec.t_s), 32, 32, 3)
    assert abs(meta.fps - src_fps) < 0.1


def test_variable_frame_rate(tmp_path):
    pts = np.concatenate([np.arange(20) * 0.04, 0.8 + np.arange(20) * 0.2])  # 25 fps then 5 fps
    p = tmp_path / "vfr.mp4"
    write_test_video(p, n=40, pts_s=pts)
    rec, _ = decode_video(str(p), "v", (32, 32), DecodeConfig(fps=10.0))
    real = container_pts(p)
    np.testing.assert_allclose(rec.t_s, real[rec.frame_idx] - real[0], atol=2e-3)
    # dense part sampled every 0.1 s, sparse part limited by the 0.2 s frames
    assert np.all(np.diff(rec.t_s[rec.t_s < 0.75]) < 0.15)
    assert np.all(np.diff(rec.t_s[rec.t_s > 1.0]) > 0.15)


def test_chunked_decode_equals_single_chunk(tmp_path):
    p = tmp_path / "v.mp4"
    write_test_video(p, n=50, fps=25)
    a, _ = decode_video(str(p), "v", (32, 32), DecodeConfig(fps=10, chunk_frames=3))
    b, _ = decode_video(str(p), "v", (32, 32), DecodeConfig(fps=10, chunk_frames=1000))
    assert np.array_equal(a.pixels, b.pixels) and np.array_equal(a.frame_idx, b.frame_idx)


@pytest.mark.parametrize("content,msg", [(b"", "empty"), (b"not a video" * 10, "not a decodable video")])
def test_bad_files_raise_clear_errors(tmp_path, content, msg):
    p = tmp_path / "bad.mp4"
    p.write_bytes(content)
    with pytest.raises(DecodeError, match=msg):
        decode_video(str(p), "v", (32, 32), DecodeConfig())


def test_indices_at_given_instants():
    starts = np.array([0.0, 0.04, 0.08, 0.5, 0.9])  # variable rate
    assert indices_at(starts, np.array([0.0, 0.05, 0.07, 0.6, 2.0])).tolist() == [0, 1, 3, 4]
    assert indices_at(starts + 3.0, np.array([0.5 - 1e-7])).tolist() == [3]  # relative to the first frame
    assert indices_at(np.zeros(0), np.array([1.0])).tolist() == []


@pytest.mark.parametrize("ext", ["mp4", "mkv"])
def test_decode_at_instants_equals_the_grid_there(tmp_path, ext):
    """``at_s`` = the fps grid's own sample times gives the grid's frames; instants between samples give
    the frames on screen then (variable frame rate, to the decoder's real times)."""
    pts = np.concatenate([np.arange(20) * 0.04, 0.8 + np.arange(20) * 0.2])
    p = tmp_path / f"vfr.{ext}"
    write_test_video(p, n=40, pts_s=pts)
    grid, _ = decode_video(str(p), "v", (32, 32), DecodeConfig(fps=4.0))
    same, _ = decode_video(str(p), "v", (32, 32), DecodeConfig(fps=4.0), at_s=grid.t_s)
    assert np.array_equal(same.frame_idx, grid.frame_idx) and np.array_equal(same.pixels, grid.pixels)
    at = np.array([0.13, 0.61, 1.35, 2.9])
    rec, _ = decode_video(str(p), "v", (32, 32), DecodeConfig(fps=4.0), at_s=at)
    real = container_pts(p) - container_pts(p)[0]
    expect = [int(np.searchsorted(real, t + 1e-6, side="right") - 1) for t in at]
    assert rec.frame_idx.tolist() == expect
