"""Tiny videos with real-world container quirks, written with PyAV (no system ffmpeg).

Every frame is identifiable after decoding: frame k shows vertical stripes shifted
3·k px and a mean level that steps by 7·k mod 150, so the nearest reference
frame of a decoded frame is k itself (neighbours differ by tens of grey levels).

``reference(path)`` is ffmpeg's view (what ffprobe -show_frames / a player
presents): libavformat demux + libavcodec decode through PyAV, edit lists
applied, times from the decoded frames' pts.
"""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

H, W = 48, 64


def frame(k: int) -> np.ndarray:
    """uint8 [H, W, 3] frame number k."""
    xx = np.arange(W)[None, :].repeat(H, 0)
    stripes = ((xx + 3 * k) % 16 < 8).astype(np.int32) * 60
    level = 40 + (7 * k) % 150
    g = np.clip(stripes + level, 0, 255).astype(np.uint8)
    return np.repeat(g[..., None], 3, axis=2)


def write(
    path: Path,
    codec: str,
    n: int,
    fps: float = 25.0,
    fmt: str | None = None,
    options: dict | None = None,
    b_frames: int | None = None,
    pts_ms: np.ndarray | None = None,
    pix_fmt: str = "yuv420p",
) -> Path:
    """Encode frames 0..n-1; ``pts_ms`` gives per-frame times in ms (variable frame rate)."""
    with av.open(str(path), "w", format=fmt) as out:
        s = out.add_stream(codec, rate=Fraction(fps).limit_denominator(1001))
        s.width, s.height, s.pix_fmt = W, H, pix_fmt
        if options:
            s.options = options
        if b_frames is not None:
            s.codec_context.max_b_frames = b_frames
        if pts_ms is not None:  # the encoder's clock too, or it rounds the pts to 1/fps
            s.codec_context.time_base = s.time_base = Fraction(1, 1000)
        for k in range(n):
            f = av.VideoFrame.from_ndarray(frame(k), format="rgb24")
            if pts_ms is not None:
                f.pts, f.time_base = int(pts_ms[k]), Fraction(1, 1000)  # s.time_base changes once muxing starts
            for p in s.encode(f):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    return path


def reference(path: Path, size: tuple[int, int] = (H, W)) -> tuple[np.ndarray, np.ndarray]:
    """ffmpeg's presented frames: times float [N] (s; NaN without a pts) and pixels uint8 [N, h, w, 3]."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        frames = list(c.decode(s))
        t = np.array([float(f.pts * f.time_base) if f.pts is not None else np.nan for f in frames])
        px = np.stack([f.to_ndarray(format="rgb24", width=size[1], height=size[0]) for f in frames])
    return t, px


def raw_packet_count(path: Path) -> int:
    """Video packets in the file, edit lists ignored (what a reader that skips elst sees)."""
    with av.open(str(path), options={"ignore_editlist": "1"}) as c:
        return sum(1 for p in c.demux(video=0) if p.size)


# --- MOV/MP4 edit lists -----------------------------------------------------------

_CONTAINERS = {b"moov", b"trak", b"edts", b"mdia", b"minf", b"stbl", b"dinf"}


def _parse(buf: bytes) -> list:
    out, off = [], 0
    while off + 8 <= len(buf):
        size, typ = struct.unpack(">I4s", buf[off : off + 8])
        body = buf[off + 8 : off + size]
        out.append([typ, _parse(body) if typ in _CONTAINERS else body])
        off += size
    return out


def _serialise(boxes: list) -> bytes:
    b = b""
    for typ, body in boxes:
        payload = _serialise(body) if isinstance(body, list) else body
        b += struct.pack(">I4s", 8 + len(payload), typ) + payload
    return b


def set_edit_list(src: Path, dst: Path, edits_s: list[tuple[float | None, float]]) -> Path:
    """Copy an ffmpeg-written MOV/MP4 (moov after mdat) with the video track's edit list replaced.

    edits_s: (media start, duration) pairs in seconds; the file presents those
    pieces of the stream back to back (media start None: an empty edit, a pause).
    mvhd/tkhd durations are set to the sum,
    as a real editor writes them.  Chunk offsets stay valid because the moov
    box follows the mdat.
    """
    buf = src.read_bytes()
    top = _parse(buf)
    names = [t for t, _ in top]
    assert names.index(b"moov") > names.index(b"mdat"), "moov must follow mdat"
    moov = top[names.index(b"moov")][1]
    mvhd = next(b for t, b in moov if t == b"mvhd")
    movie_ts = struct.unpack(">I", mvhd[12:16])[0]  # version 0: flags, ctime, mtime, timescale
    total = round(sum(d for _, d in edits_s) * movie_ts)
    for box in moov:
        if box[0] == b"mvhd":
            box[1] = box[1][:16] + struct.pack(">I", total) + box[1][20:]
        if box[0] != b"trak":
            continue
        trak = box[1]
        mdia = next(b for t, b in trak if t == b"mdia")
        mdhd = next(b for t, b in mdia if t == b"mdhd")
        media_ts = struct.unpack(">I", mdhd[12:16])[0]
        for t in trak:
            if t[0] == b"tkhd":
                t[1] = t[1][:20] + struct.pack(">I", total) + t[1][24:]
        entries = b"".join(
            struct.pack(">IiHH", round(d * movie_ts), -1 if m is None else round(m * media_ts), 1, 0)
            for m, d in edits_s
        )
        edts = [[b"elst", b"\0\0\0\0" + struct.pack(">I", len(edits_s)) + entries]]
        pos = [i for i, t in enumerate(trak) if t[0] == b"edts"]
        if pos:
            trak[pos[0]][1] = edts
        else:
            trak.insert(1, [b"edts", edts])
    dst.write_bytes(_serialise(top))
    return dst
