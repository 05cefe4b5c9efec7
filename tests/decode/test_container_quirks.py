"""Real-world container quirks: every file is fingerprinted as ffmpeg presents it.

Each case is a tiny file written by PyAV.  The reference is PyAV's own
demux + decode (libavformat/libavcodec, i.e. ffprobe's view, edit lists
applied).  For each: the same frame count, the sampler's choice of frames on
the reference times, sampled times within one source frame (measured: ≤ 1 ms),
and each sampled image is the reference frame with that index.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from tests.decode.quirk_media import (
    H,
    W,
    raw_packet_count,
    reference,
    set_edit_list,
    write,
)
from vidfp.config import DecodeConfig
from vidfp.decode import decode_video, sample_indices


def _has_encoder(name: str) -> bool:
    try:
        av.codec.Codec(name, "w")
        return True
    except Exception:  # noqa: BLE001
        return False


def _vfr_ms(n: int, seed: int = 0) -> np.ndarray:
    steps = np.random.default_rng(seed).integers(20, 120, n)  # 8–50 fps, irregular
    return np.concatenate([[0], np.cumsum(steps[:-1])])


def _edit_listed(p: Path, edits) -> Path:
    raw = p.with_name("raw_" + p.name)
    write(raw, "libx264", 75, 25, options={"g": "10", "crf": "10", "bf": "0"})
    return set_edit_list(raw, p, edits)


def _trimmed_bframes(p: Path) -> Path:
    raw = p.with_name("raw_" + p.name)
    write(raw, "libx264", 75, 25, options={"g": "12", "crf": "10"})  # x264 default B-frames: ctts + elst shift
    return set_edit_list(raw, p, [(1.08, 1.5)])


X264 = {"crf": "10"}
VPX = {"crf": "10", "b": "1M", "deadline": "realtime", "cpu-used": "8"}
# name, file name, builder, sampling fps, required encoder
CASES = [
    (
        "avi_mpeg4_bframes",
        "a.avi",
        lambda p: write(p, "mpeg4", 100, 25, b_frames=2, options={"qscale": "2"}),
        2.0,
        "mpeg4",
    ),
    (
        "mp4_mpeg4_bframes",
        "b.3gp",
        lambda p: write(p, "mpeg4", 60, 25, fmt="3gp", b_frames=2, options={"qscale": "2"}),
        2.0,
        "mpeg4",
    ),
    (
        "avi_h264_bframes",
        "h.avi",
        lambda p: write(p, "libx264", 60, 25, fmt="avi", options=dict(X264, g="12")),
        2.0,
        "libx264",
    ),
    ("flv_h264", "h.flv", lambda p: write(p, "libx264", 60, 25, fmt="flv", options=dict(X264, g="12")), 2.0, "libx264"),
    ("mov_edit_list_cut", "e.mov", lambda p: _edit_listed(p, [(0.0, 1.0), (1.88, 1.0)]), 3.0, "libx264"),
    ("mp4_edit_list_trim_bframes", "t.mp4", _trimmed_bframes, 4.0, "libx264"),
    ("mpegts_h264", "h.ts", lambda p: write(p, "libx264", 60, 30, fmt="mpegts", options=X264), 3.0, "libx264"),
    (
        "mpegts_mpeg2",
        "m.ts",
        lambda p: write(p, "mpeg2video", 60, 25, fmt="mpegts", b_frames=2, options={"qscale": "2"}),
        1.0,
        "mpeg2video",
    ),
    (
        "mpeg_ps_mpeg2",
        "p.mpg",
        lambda p: write(p, "mpeg2video", 60, 25, fmt="vob", b_frames=2, options={"qscale": "2"}),
        2.0,
        "mpeg2video",
    ),
    ("webm_vp8", "v8.webm", lambda p: write(p, "libvpx", 50, 25, fmt="webm", options=VPX), 3.0, "libvpx"),
    (
        "webm_vp9",
        "v9.webm",
        lambda p: write(p, "libvpx-vp9", 50, 24, fmt="webm", options=dict(VPX, b="0")),
        2.5,
        "libvpx-vp9",
    ),
    (
        "mp4_hevc_ntsc",
        "x.mp4",
        lambda p: write(
            p,
            "libx265",
            50,
            30000 / 1001,
            fmt="mp4",
            options={"crf": "10", "preset": "ultrafast", "x265-params": "log-level=error"},
        ),
        7.5,
        "libx265",
    ),
    (
        "mkv_vfr_h264",
        "f.mkv",
        lambda p: write(p, "libx264", 60, 25, fmt="matroska", options=X264, pts_ms=_vfr_ms(60)),
        5.0,
        "libx264",
    ),
    (
        "mp4_vfr_h264",
        "f.mp4",
        lambda p: write(p, "libx264", 50, 25, fmt="mp4", options=dict(X264, bf="0"), pts_ms=_vfr_ms(50, 1)),
        4.0,
        "libx264",
    ),
    (
        "mp4_av1",
        "av1.mp4",
        lambda p: write(p, "libsvtav1", 40, 25, fmt="mp4", options={"preset": "12"}),
        2.0,
        "libsvtav1",
    ),
]


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("quirks")
    out = {}
    for name, fname, build, _, enc in CASES:
        if _has_encoder(enc):
            out[name] = build(d / fname)
    return out


def _check(path: Path, fps: float, max_frames: int = 600) -> dict:
    cfg = DecodeConfig(fps=fps, max_frames=max_frames, remove_borders=False)
    rec, meta = decode_video(str(path), "v", (H, W), cfg)
    ref_t, ref_px = reference(path)
    frame_s = float(np.median(np.diff(ref_t)))
    assert meta.n_frames_total == len(ref_t)
    want = sample_indices(ref_t, fps, max_frames)
    assert rec.frame_idx.tolist() == want.tolist()
    err = np.abs(rec.t_s - (ref_t[rec.frame_idx] - ref_t[0]))
    assert err.max() < frame_s  # within one frame of ffmpeg's time (measured ≤ 1 ms)
    # each sampled image is the reference frame with that index (neighbours differ by ≫ codec noise)
    mae = np.abs(rec.pixels[:, None].astype(np.int16) - ref_px[None].astype(np.int16)).mean(axis=(2, 3, 4))
    assert mae.argmin(axis=1).tolist() == rec.frame_idx.tolist()
    assert abs(meta.duration_s - (ref_t[-1] - ref_t[0] + frame_s)) <= frame_s + 1e-3
    return {"rec": rec, "meta": meta, "err": float(err.max()), "n": len(ref_t)}


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_quirky_container_decodes_as_ffmpeg_presents_it(media, name):
    if name not in media:
        enc = next(c[4] for c in CASES if c[0] == name)
        pytest.skip(f"this PyAV build has no {enc} encoder")
    fps = next(c[3] for c in CASES if c[0] == name)
    _check(media[name], fps)


@pytest.mark.parametrize("name", ["mov_edit_list_cut", "mp4_edit_list_trim_bframes"])
def test_edit_lists_are_honoured(media, name):
    p = media[name]
    presented = len(reference(p)[0])
    assert presented < raw_packet_count(p)  # the elst is real: libavformat presents fewer frames than stored
    got = _check(p, 3.0)
    assert "edit list" in got["rec"].meta["decode_note"] and "PyAV used" in got["rec"].meta["decode_note"]


def test_edit_list_with_capped_sampling_uses_the_stretched_grid(media):
    got = _check(media["mov_edit_list_cut"], fps=25.0, max_frames=7)  # capped: PyAV's second pass
    assert len(got["rec"].t_s) == 7


def test_plain_mp4_keeps_decord_and_has_no_note(media):
    got = _check(media["mp4_vfr_h264"], 4.0)
    assert "decode_note" not in got["rec"].meta


def test_decode_note_reaches_the_outcome(media, tmp_path):
    """The note travels with the outcome dict the catalog rows are built from (key ``decode_note``)."""
    from vidfp.discover import VideoFile
    from vidfp.encoders import get_encoder
    from vidfp.pipeline.extract import extract_videos
    from vidfp.pipeline.plan import PlannedFile

    def planned(p: Path, vid: str) -> PlannedFile:
        return PlannedFile(VideoFile(str(p), p.stat().st_size, None, "file"), vid, None, True)

    files = [planned(media["mov_edit_list_cut"], "cut"), planned(media["mp4_vfr_h264"], "plain")]
    out = {
        o["video_id"]: o
        for o in extract_videos(
            files, get_encoder("baseline"), DecodeConfig(fps=2.0), str(tmp_path / "shards"), workers=0
        )
    }
    assert out["cut"]["status"] == "ok" and "edit list (2 segments)" in out["cut"]["decode_note"]
    assert out["cut"]["n_frames_total"] == 50
    assert out["plain"]["status"] == "ok" and out["plain"]["decode_note"] is None
