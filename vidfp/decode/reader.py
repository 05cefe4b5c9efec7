"""Decode sampled frames, framed and resized for the encoder: decord by default, PyAV when decord cannot be trusted.

The frames and times must be those ffmpeg presents.  A cheap probe of the
container (vidfp.decode.probe) comes first.  decord decodes unless

- a MOV/MP4 edit list drops or reorders frames (decord ignores edit lists and
  was seen to hang on one), or
- the file is of a kind where decord's seeks land on the wrong frames
  (``ContainerInfo.pyav_reason``: MPEG-TS/PS, raw streams, MPEG-4 Part 2), or
- decord's frame times fail the checks of vidfp.decode.timestamps (missing,
  negative, beyond the container's end, repeated, backwards) or its frame
  count disagrees with the container's, or
- decord cannot open a file that libavformat reads as a video (a codec its
  bundled FFmpeg lacks, e.g. AV1);

then PyAV decodes it (vidfp.decode.pyav_reader), and the reason is recorded
in ``FrameRecord.meta["decode_note"]``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vidfp.config import DecodeConfig
from vidfp.decode.errors import DecodeError
from vidfp.decode.framing import analysis_size, crop_resize, frame_box
from vidfp.decode.probe import ContainerInfo, probe
from vidfp.decode.sampler import indices_at, sample_indices
from vidfp.decode.timestamps import count_problem, time_problem
from vidfp.records import FrameRecord

log = logging.getLogger(__name__)

__all__ = ["DecodeError", "VideoMeta", "decode_video"]


class _Untrusted(Exception):
    """decord's output for this file cannot be trusted; the message says why."""


def _clean(e: Exception) -> str:
    """First line of a decord/FFmpeg message without its '[hh:mm:ss] file.cc:NN:' prefix."""
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


@dataclass(frozen=True)
class _Frames:
    t_start: np.ndarray  # float64 [N] presented frame start times (s)
    t_end: float  # end of the last frame (s)
    idx: np.ndarray  # int64 [T] sampled indices
    pixels: np.ndarray  # uint8 [T, h, w, 3]
    fps: float


def _decode_via_link(
    path: str,
    video_id: str,
    size: tuple[int, int],
    cfg: DecodeConfig,
    on_probe: Callable[[ContainerInfo], None] | None,
    at_s: np.ndarray | None = None,
    frame_on: np.ndarray | None = None,
):
    import tempfile

    with tempfile.TemporaryDirectory(prefix="vidfp-") as d:
        link = os.path.join(
            d, "video" + os.path.splitext(path.encode("utf-8", "surrogateescape"))[1].decode("ascii", "ignore")
        )
        os.symlink(os.path.abspath(path), link)
        return decode_video(link, video_id, size, cfg, on_probe, at_s, frame_on)


def _decord(
    path: str, size: tuple[int, int], cfg: DecodeConfig, info: ContainerInfo, at_s: np.ndarray | None = None
) -> _Frames:
    """Sampled frames by decord; raises _Untrusted when its times or count are wrong."""
    import decord

    h, w = size
    try:
        vr = decord.VideoReader(path, width=w, height=h, num_threads=1, ctx=decord.cpu(0))
    except Exception as e:  # noqa: BLE001 - decord raises DECORDError / RuntimeError with C++ text
        raise DecodeError(f"not a decodable video: {_clean(e)}") from None
    n_total = len(vr)
    if n_total == 0:
        raise DecodeError("no video frames")
    try:
        starts = vr.get_frame_timestamp(range(n_total))
    except Exception as e:  # noqa: BLE001 - as above
        raise DecodeError(f"cannot read frame timestamps: {_clean(e)}") from None
    t_start, t_end = starts[:, 0].astype(np.float64), starts[:, 1].astype(np.float64)
    problem = time_problem(t_start, info)
    if problem is not None:
        raise _Untrusted(f"decord times invalid ({problem})")
    problem = count_problem(n_total, info)
    if problem is not None:
        raise _Untrusted(f"decord frame count invalid ({problem})")
    idx = sample_indices(t_start, cfg.fps, cfg.max_frames) if at_s is None else indices_at(t_start, at_s)
    chunks = []
    for s in range(0, len(idx), cfg.chunk_frames):
        sel = idx[s : s + cfg.chunk_frames]
        try:
            chunks.append(vr.get_batch(sel.tolist()).asnumpy())
        except Exception as e:  # noqa: BLE001 - as above
            raise DecodeError(f"decode failed near frame {int(sel[0])}: {_clean(e)}") from None
    pixels = np.concatenate(chunks, axis=0) if chunks else np.zeros((0, h, w, 3), np.uint8)
    return _Frames(t_start, float(t_end[-1]), idx, pixels, float(vr.get_avg_fps() or 0.0))


def _pyav(
    path: str, size: tuple[int, int], cfg: DecodeConfig, info: ContainerInfo, at_s: np.ndarray | None = None
) -> tuple[_Frames, str | None]:
    import av

    from vidfp.decode.pyav_reader import decode_pyav

    try:
        d = decode_pyav(path, size, cfg, info, at_s)
    except av.FFmpegError as e:
        raise DecodeError(f"not a decodable video: {e}"[:300]) from None
    return _Frames(d.t_start, d.t_end, d.idx, d.pixels, info.avg_fps), d.note


def decode_video(
    path: str,
    video_id: str,
    size: tuple[int, int],
    cfg: DecodeConfig,
    on_probe: Callable[[ContainerInfo], None] | None = None,
    at_s: np.ndarray | None = None,
    frame_on: np.ndarray | None = None,
) -> tuple[FrameRecord, VideoMeta]:
    """Decode ``path`` into a :class:`FrameRecord` with pixels uint8 [T, H, W, 3].

    size: (height, width) the encoder wants; frames are resized during decode,
    which is far cheaper than decoding full frames and resizing after.
    Memory stays bounded by ``cfg.chunk_frames`` (decord) or ``cfg.max_frames``
    (PyAV) frames at that size on the ``cfg.fps`` grid; with ``at_s`` it holds one frame per given
    instant (the caller bounds how many it asks for).  ``on_probe`` is called with the container
    probe before decoding starts (the caller sets its time limit from it).  ``at_s`` (seconds
    from the first frame) replaces the ``cfg.fps`` grid by given instants (segment refinement,
    vidfp.pipeline.refine); ``frame_on`` (decoded frame start times, seconds from the first frame)
    then names the frames the framing is decided on, so that frames decoded between a video's
    fingerprint samples are framed exactly as those samples were.

    Framing (borders, blurred fill, inset; on by default) is decided on frames decoded at the
    video's own shape, shorter side at most ``cfg.framing_side``, and each frame is then cropped
    and resized once to ``size`` (vidfp.decode.framing).
    """
    if not os.path.exists(path):
        raise DecodeError(f"file not found: {path}")
    if os.path.getsize(path) == 0:
        raise DecodeError("empty file (0 bytes)")
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # decord passes the name to C as UTF-8: go through a link with a clean name
        return _decode_via_link(path, video_id, size, cfg, on_probe, at_s, frame_on)
    info = probe(path)
    if on_probe is not None:
        on_probe(info)
    dsize = analysis_size((info.height, info.width), size, cfg.framing_side) if cfg.framing else size
    reason, frames, note = info.edit_list or info.pyav_reason, None, None
    if reason is None:
        try:
            frames = _decord(path, dsize, cfg, info, at_s)
        except _Untrusted as e:
            reason = str(e)
        except DecodeError as e:
            if not str(e).startswith(("not a decodable", "no video")) or info.error or info.is_image:
                raise
            reason, opening_error = f"decord cannot open it ({str(e).removeprefix('not a decodable video: ')[:120]})", e
    if frames is None:
        log.info("%s: %s; decoding with PyAV", path, reason)
        try:
            frames, pyav_note = _pyav(path, dsize, cfg, info, at_s)
        except DecodeError:
            if reason.startswith("decord cannot open"):
                raise opening_error from None
            raise
        note = "; ".join(x for x in (f"{reason}; PyAV used", pyav_note) if x)
    if frames.pixels.shape[0] == 0:
        raise DecodeError("no frames decoded")
    t_s = frames.t_start[frames.idx] - frames.t_start[0]
    box = None
    if cfg.framing:
        on = np.ones(len(t_s), bool) if frame_on is None else np.isin(np.round(t_s, 6), np.round(frame_on, 6))
        ref = frames.pixels[on] if on.any() else frames.pixels  # (no named frame decoded: decide on all)
        box = frame_box(ref, cfg.remove_borders, cfg.find_inset, cfg.blurred_fill)
    pixels = crop_resize(frames.pixels, box, size)
    h, w = size
    meta = VideoMeta(
        duration_s=float(frames.t_end - frames.t_start[0]),
        fps=frames.fps,
        width=info.width or w,
        height=info.height or h,
        n_frames_total=len(frames.t_start),
    )
    rec_meta = {"content_box": box}  # in the pixels of the analysis size (vidfp.decode.framing)
    if note:
        rec_meta["decode_note"] = note
    rec = FrameRecord(
        video_id=video_id,
        t_s=t_s,
        frame_idx=frames.idx,
        pixels=pixels,
        meta=rec_meta,
    )
    return rec, meta
