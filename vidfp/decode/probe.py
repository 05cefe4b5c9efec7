"""A cheap container probe (headers only, no decoding) with PyAV.

What the probe says is libavformat's view, i.e. ffmpeg's: it gives the
decode time limit (from the duration), the plausible range of frame times
that decord's timestamps are checked against, and whether a MOV/MP4 edit
list changes the presented frames.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from vidfp.decode.editlist import probe_edit_list

log = logging.getLogger(__name__)

# libavformat demuxers without a frame index (decord seeks in them by guesswork)
_NO_INDEX = frozenset({"mpegts", "mpegtsraw", "mpeg", "mpegvideo", "h264", "hevc", "m4v", "vc1", "cavsvideo"})


@dataclass(frozen=True)
class ContainerInfo:
    """libavformat's header view of a file's first video stream; 0 / None when unknown."""

    format_name: str = ""
    codec: str = ""
    duration_s: float | None = None  # the video stream's, else the container's
    start_s: float = 0.0  # first presentation time the container declares
    n_frames: int = 0  # frame count from the header (0 when the format does not store one)
    avg_fps: float = 0.0
    width: int = 0
    height: int = 0
    edit_list: str | None = None  # set when a MOV/MP4 edit list drops or reorders frames
    error: str | None = None  # set when libavformat could not open the file or found no video

    @property
    def pyav_reason(self) -> str | None:
        """Why decord's random access cannot be trusted on this kind of file, or None.

        Seen with this decord (0.6.0): MPEG-TS returns frames ≈ 12 away from
        the ones asked for, and program streams lose the pts; formats without a
        seek index (TS, PS, raw elementary streams) are read sequentially
        instead.  MPEG-4 Part 2 with B-frames (in MP4/3GP as in AVI) returns
        frames two away from the ones asked for after a seek.
        """
        if self.format_name in _NO_INDEX:
            return f"{self.format_name} has no seek index"
        if self.codec == "mpeg4":
            return "MPEG-4 Part 2: decord seeks to the wrong frames"
        return None

    @property
    def is_image(self) -> bool:
        """A still image (png_pipe, image2, ...), which ffmpeg shows as a one-frame video."""
        return self.format_name.endswith("_pipe") or self.format_name.startswith("image2")


def probe(path: str) -> ContainerInfo:
    """Read the headers of ``path``; never raises (errors land in ``error``)."""
    try:
        import av

        with av.open(path) as c:
            if not c.streams.video:
                return ContainerInfo(format_name=c.format.name, error="no video stream")
            s = c.streams.video[0]
            dur = float(s.duration * s.time_base) if s.duration and s.time_base else None
            if dur is None and c.duration:
                dur = c.duration / 1e6  # AV_TIME_BASE units
            start = float(s.start_time * s.time_base) if s.start_time is not None and s.time_base else None
            if start is None:
                start = c.start_time / 1e6 if c.start_time is not None else 0.0
            rate = s.average_rate or s.guessed_rate
            fmt = c.format.name
            cc = s.codec_context
            info = ContainerInfo(
                format_name=fmt,
                codec=cc.name,
                duration_s=dur,
                start_s=start,
                n_frames=int(s.frames or 0),
                avg_fps=float(rate) if rate else 0.0,
                width=int(cc.width),
                height=int(cc.height),
            )
    except Exception as e:  # noqa: BLE001 - a file libavformat cannot open is judged by decord next
        return ContainerInfo(error=f"{type(e).__name__}: {e}"[:300])
    if "mov" in info.format_name or "mp4" in info.format_name:
        from dataclasses import replace

        info = replace(info, edit_list=probe_edit_list(path))
    return info
