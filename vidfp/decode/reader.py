"""Decode sampled frames with decord, resized for the encoder, in bounded chunks."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np

from vidfp.config import DecodeConfig
from vidfp.decode.sampler import sample_indices
from vidfp.records import FrameRecord

log = logging.getLogger(__name__)


class DecodeError(RuntimeError):
    """The file could not be decoded; the message is the reason recorded in the catalog."""


def _clean(e: Exception) -> str:
    """First line of a decord/FFmpeg message without its '[hh:mm:ss] file.cc:NN:' prefix."""
    import re

    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    msg = re.sub(r"^\[[\d:]+\]\s*\S+\.cc:\d+:\s*", "", msg)
    if "cannot find video stream" in msg:
        return "no video stream (audio-only or not a video)"
    return msg[:300]


@dataclass(frozen=True)
class VideoMeta:
    duration_s: float
    fps: float
    width: int
    height: int
    n_frames_total: int


def _probe_size(path: str) -> tuple[int, int]:
    """Original width/height from the container (decord only reports resized frames)."""
    try:
        import av

        with av.open(path) as c:
            s = c.streams.video[0]
            return int(s.codec_context.width), int(s.codec_context.height)
    except Exception:  # noqa: BLE001 - size is informative only
        return 0, 0


def _decode_via_link(path: str, video_id: str, size: tuple[int, int], cfg: DecodeConfig):
    import tempfile

    with tempfile.TemporaryDirectory(prefix="vidfp-") as d:
        link = os.path.join(d, "video" + os.path.splitext(path.encode("utf-8", "surrogateescape"))[1].decode(
            "ascii", "ignore"))
        os.symlink(os.path.abspath(path), link)
        return decode_video(link, video_id, size, cfg)


def decode_video(
    path: str, video_id: str, size: tuple[int, int], cfg: DecodeConfig
) -> tuple[FrameRecord, VideoMeta]:
    """Decode ``path`` into a :class:`FrameRecord` with pixels uint8 [T, H, W, 3].

    size: (height, width) the encoder wants; decord resizes during decode,
    which is far cheaper than decoding full frames and resizing after.
    Memory stays bounded by ``cfg.chunk_frames`` full frames at that size.
    """
    import decord

    if not os.path.exists(path):
        raise DecodeError(f"file not found: {path}")
    if os.path.getsize(path) == 0:
        raise DecodeError("empty file (0 bytes)")
    h, w = size
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # decord passes the name to C as UTF-8: go through a link with a clean name
        return _decode_via_link(path, video_id, size, cfg)
    try:
        vr = decord.VideoReader(path, width=w, height=h, num_threads=1, ctx=decord.cpu(0))
    except Exception as e:  # decord raises DECORDError / RuntimeError with C++ text
        raise DecodeError(f"not a decodable video: {_clean(e)}") from None
    n_total = len(vr)
    if n_total == 0:
        raise DecodeError("no video frames")
    try:
        starts = vr.get_frame_timestamp(range(n_total))
    except Exception as e:
        raise DecodeError(f"cannot read frame timestamps: {_clean(e)}") from None
    t_start, t_end = starts[:, 0].astype(np.float64), starts[:, 1].astype(np.float64)
    order_ok = np.all(np.diff(t_start) >= 0)
    if not order_ok:  # broken PTS: fall back to the nominal rate rather than lying
        fps_nominal = vr.get_avg_fps() or 25.0
        t_start = np.arange(n_total) / fps_nominal
        t_end = t_start + 1.0 / fps_nominal
    idx = sample_indices(t_start, cfg.fps, cfg.max_frames)
    # duplicate PTS would make t_s non-increasing: keep the first of each
    keep = np.concatenate([[True], np.diff(t_start[idx]) > 0])
    idx = idx[keep]
    chunks = []
    for s in range(0, len(idx), cfg.chunk_frames):
        sel = idx[s : s + cfg.chunk_frames]
        try:
            chunks.append(vr.get_batch(sel.tolist()).asnumpy())
        except Exception as e:
            raise DecodeError(f"decode failed near frame {int(sel[0])}: {_clean(e)}") from None
    pixels = np.concatenate(chunks, axis=0) if chunks else np.zeros((0, h, w, 3), np.uint8)
    if pixels.shape[0] == 0:
        raise DecodeError("no frames decoded")
    box = None
    if cfg.remove_borders:
        from vidfp.decode.borders import remove_borders

        pixels, box = remove_borders(pixels)
    ow, oh = _probe_size(path)
    meta = VideoMeta(
        duration_s=float(t_end[-1] - t_start[0]),
        fps=float(vr.get_avg_fps() or 0.0),
        width=ow or w,
        height=oh or h,
        n_frames_total=n_total,
    )
    rec = FrameRecord(video_id=video_id, t_s=t_start[idx] - t_start[0], frame_idx=idx, pixels=pixels,
                      meta={"content_box": box})
    return rec, meta
