"""What a keyframe thumbnail costs, made on demand (vidfp.thumbs) against making it during ingest.

    python benchmarks/bench_thumbs.py CORPUS_DIR [--height 96]

For every video file in CORPUS_DIR: one keyframe (a third in) grabbed in an isolated child
process (what ``vidfp review`` does), the same in-process, a 12-frame timeline strip in one
open, and a cached read.  "During ingest" is the JPEG encoding alone of a frame that ingest has
already decoded (its frames are encoder-sized and border-cropped, so a real implementation
would also need a second, display-sized decode: that is the in-process cost again).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time

import numpy as np

from vidfp.config import DEFAULT_EXTENSIONS


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--height", type=int, default=96)
    args = ap.parse_args()
    from vidfp.decode.probe import probe
    from vidfp.thumbs import ThumbCache, grab_frames, to_jpeg

    files = sorted(
        os.path.join(args.corpus, f)
        for f in os.listdir(args.corpus)
        if f.lower().endswith(DEFAULT_EXTENSIONS) and not f.startswith("broken")
    )
    tmp = tempfile.mkdtemp(prefix="thumbs-")
    iso, inproc, strip, cached, enc, sizes = [], [], [], [], [], []
    try:
        ThumbCache(os.path.join(tmp, "warm")).get("warm", files[0], [0.0])  # start the forkserver once
        for k, f in enumerate(files):
            d = probe(f).duration_s or 1.0
            t = round(d / 3, 1)
            c = ThumbCache(os.path.join(tmp, "iso"), args.height)
            t0 = time.perf_counter()
            ((jpg, real),) = c.get(str(k), f, [t])
            iso.append(time.perf_counter() - t0)
            assert real
            sizes.append(len(jpg))
            t0 = time.perf_counter()
            c.get(str(k), f, [t])
            cached.append(time.perf_counter() - t0)
            c2 = ThumbCache(os.path.join(tmp, "inproc"), args.height, isolated=False)
            t0 = time.perf_counter()
            c2.get(str(k), f, [t])
            inproc.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            grab_frames(f, list(np.linspace(0, d, 12, endpoint=False) + d / 24), 72)
            strip.append(time.perf_counter() - t0)
            frame = np.random.default_rng(k).integers(0, 255, (args.height, args.height * 16 // 9, 3), np.uint8)
            t0 = time.perf_counter()
            to_jpeg(frame)
            enc.append(time.perf_counter() - t0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def ms(xs):
        return f"{1000 * statistics.median(xs):.1f}"

    print(
        f"{len(files)} videos from {args.corpus}, keyframe height {args.height} px, "
        f"median JPEG {statistics.median(sizes) / 1000:.1f} kB"
    )
    print("| way | median ms per video |")
    print("|---|---|")
    print(f"| on demand, isolated child (vidfp review) | {ms(iso)} |")
    print(f"| on demand, in-process | {ms(inproc)} |")
    print(f"| on demand, 12-frame timeline strip, in-process | {ms(strip)} |")
    print(f"| cached read | {ms(cached)} |")
    print(f"| during ingest: JPEG encoding of an already decoded frame | {ms(enc)} |")


if __name__ == "__main__":
    main()
