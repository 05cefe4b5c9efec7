"""Decode jobs: what the job processes cost, every video of a corpus decoded as an ingest does.

Videos are decoded in job processes (``vidfp.decode.isolation``), forked from a forkserver that
imports the decoding modules once, each running up to ``JOBS_PER_PROCESS`` jobs in turn.  Two
comparisons, each against today's code:

- ``--reference reuse`` (default): one process per job (``jobs_per_process=1``, as before job
  processes were reused);
- ``--reference preload``: the forkserver without the preloads added last (``PIL.Image``, which
  ``crop_resize`` needs, and ``vidfp.decode.inset``), so each job imports them afresh.

Both runs decode (no encoder) every file of the corpus with 2 job processes, in fresh interpreters
(a forkserver keeps its first preload list), interleaved, best of ``--repeat``.

    python benchmarks/bench_jobs.py --corpus DIR [--repeat 3] [--reference reuse|preload]

Prints both times and the ratio reference / today (> 1: today is faster).
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import time

ADDED = ("PIL.Image", "vidfp.decode.inset")


def decode_all(corpus: str, leave_out: tuple[str, ...], jobs_per_process: int) -> tuple[float, int]:
    """In this process: (wall seconds, videos decoded) for every file of ``corpus``."""
    from vidfp.config import DecodeConfig
    from vidfp.decode import isolation
    from vidfp.pipeline.extract import extract_one

    isolation._PRELOAD = [m for m in isolation._PRELOAD if m not in leave_out]
    cfg = DecodeConfig()
    files = sorted(f for f in glob.glob(os.path.join(corpus, "*")) if not f.endswith(".json"))
    jobs = [(str(k), (f, f"v{k}", (144, 144), cfg, None)) for k, f in enumerate(files)]
    t0 = time.perf_counter()
    done = list(
        isolation.run_isolated(extract_one, jobs, 2, timeout_s=60, max_timeout_s=600, jobs_per_process=jobs_per_process)
    )
    return time.perf_counter() - t0, sum(ok for _, ok, _ in done)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--reference", choices=["reuse", "preload"], default="reuse")
    ap.add_argument("--one", choices=["reference", "today"], help=argparse.SUPPRESS)  # a child run
    a = ap.parse_args()
    a.repeat = max(1, a.repeat)
    if a.one:
        from vidfp.decode.isolation import JOBS_PER_PROCESS

        ref = a.one == "reference"
        leave_out = ADDED if ref and a.reference == "preload" else ()
        per = 1 if ref and a.reference == "reuse" else JOBS_PER_PROCESS
        wall, ok = decode_all(a.corpus, leave_out, per)
        print(f"{wall} {ok}")
        return
    best = {"reference": float("inf"), "today": float("inf")}
    for k in range(a.repeat):
        for name in list(best) if k % 2 == 0 else list(best)[::-1]:
            cmd = [sys.executable, __file__, "--corpus", a.corpus, "--reference", a.reference, "--one", name]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.split()
            best[name] = min(best[name], float(out[0]))
            n = int(out[1])
    print(f"{n} videos decoded (2 job processes), best of {a.repeat}")
    what = "one process per job" if a.reference == "reuse" else f"without {', '.join(ADDED)} preloaded"
    print(f"reference ({what}): {best['reference']:.2f} s")
    print(f"today: {best['today']:.2f} s")
    print(f"ratio reference / today: {best['reference'] / best['today']:.2f}")


if __name__ == "__main__":
    main()
