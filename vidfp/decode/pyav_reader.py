"""Decode with PyAV (libavformat + libavcodec): the frames and times ffmpeg presents.

decord is the fast default; this path is used when decord cannot be trusted
on a file (broken frame times, edit lists, a codec its bundled FFmpeg lacks).
libavformat applies MOV/MP4 edit lists and the decoder drops the frames they
discard, so frame k here is frame k of ``ffprobe -show_frames``.

Sampling is the same rule as vidfp.decode.sampler (the frame on screen at
each grid instant g_k = t_0 + k / fps), applied while decoding: a grid
instant g is resolved to frame i − 1 as soon as frame i starts after it
(t_i > g + 1e-6), because times increase.  So one pass decodes everything
and converts only the sampled frames.  A second pass is needed only when the
grid must be stretched to ``max_frames`` (that needs the last time first) or
the times are unusable and are replaced by index / fps; the final indices
always come from ``sample_indices`` on the full time array, so both passes
give exactly the sampler's choice.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from vidfp.config import DecodeConfig
from vidfp.decode.errors import DecodeError
from vidfp.decode.probe import ContainerInfo
from vidfp.decode.sampler import indices_at, sample_indices
from vidfp.decode.timestamps import derived_times, time_problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decoded:
    t_start: np.ndarray  # float64 [N] start time of every presented frame (s)
    t_end: float  # end of the last frame (s)
    idx: np.ndarray  # int64 [T] sampled frame indices, increasing
    pixels: np.ndarray  # uint8 [T, h, w, 3]
    note: str | None  # what was repaired, for the catalog


def _frames(path: str, stats: dict) -> Iterator:
    """av.VideoFrame of the first video stream in presentation order.

    Like the ffmpeg CLI, a packet the decoder rejects is skipped (counted in
    ``stats['bad']``); a demuxer error after the first frame ends the stream
    (a truncated file plays up to the cut).
    """
    import av

    with av.open(path) as c:
        s = c.streams.video[0]
        s.codec_context.thread_count = 1  # one decode process per core already
        packets = c.demux(s)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                return
            except av.FFmpegError as e:
                if not stats["n"]:
                    raise
                stats["cut"] = str(e)
                packet = None  # flush the decoder, then stop
            try:
                for f in packet.decode() if packet is not None else s.codec_context.decode(None):
                    stats["n"] += 1
                    yield f
            except av.FFmpegError:
                stats["bad"] += 1
            if packet is None:
                return


def _to_rgb(frame, size: tuple[int, int]) -> np.ndarray:
    h, w = size
    return frame.to_ndarray(format="rgb24", width=w, height=h)


def _second_pass(path: str, idx: np.ndarray, size: tuple[int, int], n: int) -> np.ndarray:
    want = set(idx.tolist())
    stats = {"n": 0, "bad": 0}
    out = [_to_rgb(f, size) for i, f in enumerate(_frames(path, stats)) if i in want]
    if len(out) != len(idx) or stats["n"] != n:
        raise DecodeError(f"second decode pass gave {stats['n']} frames, the first {n}")
    return np.stack(out)


def decode_pyav(
    path: str, size: tuple[int, int], cfg: DecodeConfig, info: ContainerInfo, at_s: np.ndarray | None = None
) -> Decoded:
    """Decode ``path`` with PyAV and sample it at ``cfg.fps`` (or at the instants ``at_s``, seconds
    from the first frame: then always in two passes); pixels resized to size = (h, w)."""
    step = 1.0 / cfg.fps
    times: list[float] = []
    picks: list[int] = []
    px: list[np.ndarray] = []
    streaming = at_s is None
    k = 0  # next grid instant t_0 + k·step not yet resolved
    prev = None
    last_dur = 0.0
    stats = {"n": 0, "bad": 0}
    for i, f in enumerate(_frames(path, stats)):
        t = f.time
        t = math.nan if t is None else float(t)
        if streaming and i > 0:
            if not t > times[-1]:  # NaN, repeated or backwards: resolve after the whole pass
                streaming, picks, px = False, [], []
            else:
                while times[0] + k * step + 1e-6 < t:
                    if not picks or picks[-1] != i - 1:
                        picks.append(i - 1)
                        px.append(_to_rgb(prev, size))
                    k += 1
                if len(picks) > cfg.max_frames:  # the grid will be stretched: second pass
                    streaming, picks, px = False, [], []
        times.append(t)
        prev = f
        last_dur = float(f.duration * f.time_base) if f.duration and f.time_base else 0.0
    n = len(times)
    if n == 0:
        raise DecodeError("no frames decoded")
    t_start = np.asarray(times, dtype=np.float64)
    notes = []
    problem = time_problem(t_start, info)
    if problem is not None:
        fps = info.avg_fps or 25.0
        t_start = derived_times(n, fps)
        notes.append(f"PyAV times invalid ({problem}); times from frame index at {fps:g} fps")
        streaming, last_dur = False, 1.0 / fps
    if stats["bad"]:
        notes.append(f"{stats['bad']} undecodable packets skipped")
    if "cut" in stats:
        notes.append(f"stream ends early ({stats['cut'][:80]})")
    idx = sample_indices(t_start, cfg.fps, cfg.max_frames) if at_s is None else indices_at(t_start, at_s)
    if streaming and picks != idx.tolist() and picks + [n - 1] == idx.tolist():
        picks.append(n - 1)  # the grid reaches the last frame: it is `prev`
        px.append(_to_rgb(prev, size))
    if streaming and picks == idx.tolist():
        pixels = np.stack(px)
    else:
        log.debug("%s: second decode pass for %d frames", path, len(idx))
        prev = None
        pixels = _second_pass(path, idx, size, n)
    if not last_dur:
        last_dur = float(np.median(np.diff(t_start))) if n > 1 else 1.0 / (info.avg_fps or 25.0)
    return Decoded(
        t_start=t_start, t_end=float(t_start[-1] + last_dur), idx=idx, pixels=pixels, note="; ".join(notes) or None
    )
