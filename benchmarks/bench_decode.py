"""Decode: vidfp's sampled decode vs a full decode of the same file with PyAV.

vidfp decodes only the sampled frames (decord seeks to them and resizes
during decode).  The reference decodes every frame at full size with PyAV,
which is what a naive pipeline that samples after decoding would pay.  The
ratio is (full-decode time) / (vidfp time) for the same video; sampled
frames/s and decoded frames/s are printed beside it.

    python benchmarks/bench_decode.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import tempfile

import av
import numpy as np
from _timing import best_of, row

from vidfp.config import DecodeConfig
from vidfp.corpus.media import clip_path, read_frames, write_video
from vidfp.decode.reader import decode_video


def long_video(path: str, seconds: float) -> None:
    """A test video of ``seconds`` s at the clip's size and frame rate, looping bikes.mp4."""
    frames, fps = read_frames(clip_path("bikes"), max_width=1280)
    n = int(seconds * fps)
    idx = np.arange(n) % len(frames)
    write_video(path, frames[idx], fps, codec="libx264", crf=23)


def full_decode(path: str) -> int:
    with av.open(path) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        return sum(1 for f in c.decode(s) if f.to_ndarray(format="rgb24") is not None)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "long.mp4")
        long_video(path, args.seconds)
        with av.open(path) as c:
            s = c.streams.video[0]
            w, h, n_all = s.codec_context.width, s.codec_context.height, s.frames
        t_full = best_of(lambda: full_decode(path), 1)
        print(f"video: {args.seconds:.0f} s, {w}×{h}, {n_all} frames (H.264)")
        print(
            "| sampling | frames | vidfp s | sampled frames/s | full decode s | decoded frames/s | ratio full/vidfp |"
        )
        print("|---|---|---|---|---|---|---|")
        for fps in (1.0, 4.0):
            cfg = DecodeConfig(fps=fps)
            rec, _ = decode_video(path, "v", (144, 144), cfg)
            t = best_of(lambda: decode_video(path, "v", (144, 144), cfg), 2)
            print(row(f"{fps:g} fps → 144×144", rec.n_frames, t, rec.n_frames / t, t_full, n_all / t_full, t_full / t))


if __name__ == "__main__":
    main()
