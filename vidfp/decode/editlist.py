"""Does a MOV/MP4 edit list change which frames a player presents?

An ``elst`` box maps pieces of a track's media timeline onto the movie
timeline.  libavformat (ffmpeg, PyAV) applies it: for an edit (media start m,
duration d, in media ticks) it presents the samples whose composition time
``cts = dts + ctts`` lies in [m, m + d), edit after edit; samples before m that
a later frame needs are decoded and discarded.  decord indexes every packet
and ignores the edit list, so on a cut file it returns the wrong frames and
times (and was seen to hang on one).

Nearly every ffmpeg- or phone-written MP4 has an edit list, but almost all
are *trivial*: one edit whose start is the first frame's composition time
(the B-frame delay), covering the whole track, or an empty edit that only
delays the start.  Only non-trivial ones need the PyAV path.

This module reads just the box headers and the ``moov`` box (no sample data).
"""

from __future__ import annotations

import logging
import struct
from typing import BinaryIO

import numpy as np

log = logging.getLogger(__name__)

_MAX_MOOV = 256 << 20  # a moov larger than this is not read (≈ days of video)
_MAX_SAMPLES = 50_000_000  # frames in one track (≈ 19 days at 30 fps)
_INTO = {b"trak", b"edts", b"mdia", b"minf", b"stbl"}


def _boxes(buf: bytes, off: int = 0, end: int | None = None):
    """Yield (type, body) of the boxes in buf[off:end]; stops at a malformed size."""
    end = len(buf) if end is None else end
    while off + 8 <= end:
        size, typ = struct.unpack(">I4s", buf[off : off + 8])
        hdr = 8
        if size == 1 and off + 16 <= end:
            size, hdr = struct.unpack(">Q", buf[off + 8 : off + 16])[0], 16
        elif size == 0:
            size = end - off
        if size < hdr or off + size > end:
            return
        yield typ, buf[off + hdr : off + size]
        off += size


def _find(buf: bytes, path: list[bytes]) -> bytes | None:
    for typ, body in _boxes(buf):
        if typ == path[0]:
            return body if len(path) == 1 else _find(body, path[1:])
    return None


def read_moov(f: BinaryIO) -> bytes | None:
    """Body of the top-level moov box, or None (not ISO-BMFF, too large, or absent)."""
    f.seek(0, 2)
    size_total = f.tell()
    off = 0
    while off + 8 <= size_total:
        f.seek(off)
        head = f.read(16)
        if len(head) < 8:
            return None
        size, typ = struct.unpack(">I4s", head[:8])
        hdr = 8
        if size == 1 and len(head) == 16:
            size, hdr = struct.unpack(">Q", head[8:16])[0], 16
        elif size == 0:
            size = size_total - off
        if size < hdr:
            return None
        if typ == b"moov":
            if size > _MAX_MOOV:
                return None
            return f.read(size - hdr) if hdr == 16 else head[8:] + f.read(size - 16)
        off += size
    return None


def _table(body: bytes | None, fmt: str) -> np.ndarray:
    """Entries of a full box with a 32-bit entry count followed by fixed-size records."""
    if body is None or len(body) < 8:
        return np.zeros((0, len(fmt)), np.int64)
    n = struct.unpack(">I", body[4:8])[0]
    rec = struct.calcsize(">" + fmt)
    n = min(n, (len(body) - 8) // rec)
    dt = np.dtype([(f"f{i}", ">" + c) for i, c in enumerate(fmt)])
    a = np.frombuffer(body, dt, count=n, offset=8)
    return np.stack([a[name].astype(np.int64) for name in dt.names], axis=1) if n else np.zeros((0, len(fmt)), np.int64)


def _timescale(body: bytes | None) -> int:
    """Timescale of an mvhd or mdhd box (version 0 or 1)."""
    if body is None or len(body) < 24:
        return 0
    return struct.unpack(">I", body[12:16] if body[0] == 0 else body[20:24])[0]


def _video_trak(moov: bytes) -> bytes | None:
    for typ, body in _boxes(moov):
        if typ == b"trak":
            hdlr = _find(body, [b"mdia", b"hdlr"])
            if hdlr is not None and hdlr[8:12] == b"vide":
                return body
    return None


def edit_list_cut(moov: bytes) -> str | None:
    """A short description when the first video track's edit list drops or reorders frames, else None."""
    trak = _video_trak(moov)
    elst = _find(trak, [b"edts", b"elst"]) if trak is not None else None
    if elst is None:
        return None
    movie_ts = _timescale(_find(moov, [b"mvhd"]))
    media_ts = _timescale(_find(trak, [b"mdia", b"mdhd"]))
    entries = _table(elst, "IiHH" if elst[0] == 0 else "QqHH")  # duration, media_time, rate int, frac
    stbl = [b"mdia", b"minf", b"stbl"]
    stts = _table(_find(trak, stbl + [b"stts"]), "II")  # count, delta
    ctts = _table(_find(trak, stbl + [b"ctts"]), "Ii")  # count, offset (signed, as libavformat reads it)
    if not movie_ts or not media_ts or stts.size == 0:
        return None  # fragmented or odd: leave it to the timestamp checks
    if stts[:, 0].sum() > _MAX_SAMPLES or (ctts.size and ctts[:, 0].sum() > _MAX_SAMPLES):
        return None  # damaged tables: not worth gigabytes of arrays
    dts = np.concatenate([[0], np.cumsum(np.repeat(stts[:, 1], stts[:, 0]))])
    n = len(dts) - 1
    cts = dts[:-1] + (np.repeat(ctts[:, 1], ctts[:, 0])[:n] if ctts.size else 0)
    if len(np.atleast_1d(cts)) != n:  # short ctts: cannot tell
        return None
    order = np.argsort(cts, kind="stable")
    shown: list[np.ndarray] = []
    for dur, media_time, rate, _ in entries:
        if media_time == -1:
            continue  # empty edit: a pause before the track starts
        if rate != 1:
            return f"edit list plays at rate {rate}"
        end = np.inf if dur == 0 else media_time + round(dur * media_ts / movie_ts)
        c = cts[order]
        shown.append(order[(c >= media_time) & (c < end)])
    presented = np.concatenate(shown) if shown else order
    if len(presented) == n and np.array_equal(presented, order):
        return None
    k = sum(1 for e in entries if e[1] != -1)
    return f"edit list ({k} segment{'s' * (k != 1)}) presents {len(presented)} of {n} frames"


def probe_edit_list(path: str) -> str | None:
    """edit_list_cut for a file; None when it is not ISO-BMFF or cannot be read."""
    try:
        with open(path, "rb") as f:
            moov = read_moov(f)
        return edit_list_cut(moov) if moov else None
    except Exception as e:  # noqa: BLE001 - damaged boxes mean "no usable edit list", never a crash
        log.debug("edit list of %s not read: %s", path, e)
        return None
