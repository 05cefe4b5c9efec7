"""Family B's broken files: kinds family A lacks, each with a video suffix so discovery picks it up.

* ``html_error_page`` — what a failed download saves: an HTTP 403 page named .mp4;
* ``no_frames`` — a valid Matroska header with an H.264 stream and not one frame;
* ``random_bytes`` — 64 KiB of seeded noise named .avi;
* ``header_only`` — the first 1500 bytes of a real VP9 WebM (the header, no decodable cluster);
* ``no_index`` — a QuickTime file cut just before its ``moov`` atom (the index is written last);
* ``zeros`` — 32 KiB of zero bytes named .flv.
"""

from __future__ import annotations

import os
import tempfile

import av
import numpy as np

from vidfp.corpus.clip import from_frames
from vidfp.corpus.encode import ENCODINGS, write_clip

_HTML = (
    b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head>\n"
    b"<body><h1>Forbidden</h1><p>You don't have permission to access this resource.</p></body></html>\n"
)
FILES = {
    "html_error_page": "broken_html_error_page.mp4",
    "no_frames": "broken_no_frames.mkv",
    "random_bytes": "broken_random_bytes.avi",
    "header_only": "broken_header_only.webm",
    "no_index": "broken_no_index.mov",
    "zeros": "broken_zeros.flv",
}


def _encoded(enc_key: str, rng) -> bytes:
    frames = rng.integers(0, 255, (30, 64, 96, 3), dtype=np.uint8)
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "v" + ENCODINGS[enc_key].ext)
        write_clip(p, from_frames(frames, 15.0, ""), ENCODINGS[enc_key])
        return open(p, "rb").read()


def write_broken(out: str, kinds: tuple[str, ...], rng) -> dict[str, str]:
    """Write the named kinds under ``out``; returns file → kind."""
    done = {}
    for kind in kinds:
        path = os.path.join(out, FILES[kind])
        if kind == "no_frames":
            with av.open(path, "w", format="matroska", container_options={"fflags": "+bitexact"}) as c:
                s = c.add_stream("libx264", rate=25)
                s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
                c.start_encoding()
        else:
            if kind == "html_error_page":
                blob = _HTML
            elif kind == "random_bytes":
                blob = rng.integers(0, 256, 65536, dtype=np.uint8).tobytes()
            elif kind == "header_only":
                blob = _encoded("vp9_300k", rng)[:1500]
            elif kind == "no_index":
                data = _encoded("h264_mov", rng)
                blob = data[: data.rfind(b"moov") - 4]
            elif kind == "zeros":
                blob = bytes(32768)
            else:
                raise ValueError(kind)
            with open(path, "wb") as f:
                f.write(blob)
        done[FILES[kind]] = kind
    return done
