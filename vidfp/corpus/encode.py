"""Write family-B clips with PyAV: several codecs, containers, rate control and VFR.

Family A writes H.264 / VP9 / MPEG-4 at a constant rate factor in .mp4 / .webm.  Family B
adds bitrate control (a fixed kb/s budget, so quality varies with content), other
containers (.mkv, .mov, .avi, .ts, .flv) and variable frame rate (per-frame time stamps
in a 1/1000 s time base).  Encoders run single-threaded and muxers in bit-exact mode, so
the bytes depend on the seed alone, not on the machine's core count.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

from vidfp.corpus.clip import Clip


@dataclass(frozen=True)
class Encoding:
    codec: str  # libx264 | libvpx-vp9 | mpeg4 | flv
    ext: str  # container, by file suffix
    crf: int | None = None  # constant quality (x264, vp9)
    kbps: int | None = None  # or a bitrate budget

    @property
    def name(self) -> str:
        q = f"crf{self.crf}" if self.crf is not None else f"{self.kbps}k"
        return f"{self.codec}-{q}{self.ext}"


ENCODINGS = {
    "h264_mkv": Encoding("libx264", ".mkv", crf=22),
    "h264_mov": Encoding("libx264", ".mov", crf=25),
    "h264_mp4": Encoding("libx264", ".mp4", crf=28),
    "h264_150k": Encoding("libx264", ".mp4", kbps=150),
    "vp9_300k": Encoding("libvpx-vp9", ".webm", kbps=300),
    "mpeg4_800k": Encoding("mpeg4", ".avi", kbps=800),
    "flv_400k": Encoding("flv", ".flv", kbps=400),
}
_FORMATS = {".mkv": "matroska", ".mov": "mov", ".mp4": "mp4", ".webm": "webm", ".avi": "avi", ".flv": "flv"}


def write_clip(path: str, clip: Clip, enc: Encoding) -> None:
    """Encode ``clip`` (even-cropped) to ``path``; VFR clips keep their own time stamps."""
    t, h, w, _ = clip.frames.shape
    h2, w2 = h // 2 * 2, w // 2 * 2
    vfr = clip.vfr
    with av.open(path, "w", format=_FORMATS[enc.ext], container_options={"fflags": "+bitexact"}) as out:
        rate = Fraction(clip.fps).limit_denominator(1001)
        s = out.add_stream(enc.codec, rate=rate)
        s.width, s.height, s.pix_fmt = w2, h2, "yuv420p"
        s.thread_count = 1
        opts: dict[str, str] = {}
        if enc.codec == "libx264":
            # mbtree is off: with it, this x264 build gives other bytes from run to run
            opts = {"preset": "veryfast", "threads": "1", "x264-params": "mbtree=0"}
            if enc.crf is not None:
                opts["crf"] = str(enc.crf)
        elif enc.codec == "libvpx-vp9":
            opts = {"deadline": "realtime", "cpu-used": "8", "threads": "1", "row-mt": "0"}
            if enc.crf is not None:
                opts.update({"crf": str(enc.crf), "b": "0"})
        if enc.kbps is not None:
            s.bit_rate = enc.kbps * 1000
        if enc.codec in ("mpeg4", "flv"):
            s.gop_size = 12
        opts["flags"] = "+bitexact"
        s.options = opts
        if vfr:  # the encoder's time base too, or PyAV rounds the stamps to the nominal rate's grid
            s.time_base = s.codec_context.time_base = Fraction(1, 1000)
        for k in range(t):
            f = av.VideoFrame.from_ndarray(np.ascontiguousarray(clip.frames[k, :h2, :w2]), format="rgb24")
            if vfr:
                f.pts = round(clip.t[k] * 1000)
                f.time_base = s.time_base
            else:
                f.pts = k
            for p in s.encode(f):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
