"""Re-run of an unchanged corpus vs the first run (goal ≤ 0.05).

A nightly run over a corpus where nothing changed must only stat the files
(size + mtime quick check), find no work, and score nothing.  We time the
first ingest and an unchanged re-run in-process (local engine), then the same
re-run through the Prefect flow (``vidfp ingest``, which starts a temporary
Prefect server) to report Prefect's start-up separately.

    python benchmarks/bench_rerun.py --corpus DIR [--fps 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from _timing import row

from vidfp.config import DecodeConfig, IngestConfig
from vidfp.encoders import get_encoder
from vidfp.pipeline.run import run_ingest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--fps", type=float, default=1.0)
    args = ap.parse_args()
    cfg = IngestConfig(decode=DecodeConfig(fps=args.fps))
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "cat.duckdb")
        t0 = time.perf_counter()
        first = run_ingest(args.corpus, db, get_encoder("baseline"), cfg)
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = run_ingest(args.corpus, db, get_encoder("baseline"), cfg)
        t_again = time.perf_counter() - t0
        assert again["new"] == 0 and again["pairs"] == 0, again
        vidfp = os.path.join(os.path.dirname(sys.executable), "vidfp")
        t0 = time.perf_counter()
        subprocess.run(
            [vidfp, "ingest", args.corpus, "--db", db, "--fps", str(args.fps), "--engine", "prefect"],
            check=True,
            capture_output=True,
        )
        t_prefect = time.perf_counter() - t0
    print(f"corpus: {first['files']} files, {first['new']} fingerprinted, {first['pairs']} pairs in the first run")
    print("| run | seconds | ratio vs first run |")
    print("|---|---|---|")
    print(row("first ingest (local engine)", t_first, 1.0))
    print(row("unchanged re-run (local engine)", t_again, t_again / t_first))
    print(row("unchanged re-run via Prefect (`vidfp ingest`)", t_prefect, t_prefect / t_first))
    print(row("  of which Prefect start-up and flow overhead", t_prefect - t_again, (t_prefect - t_again) / t_first))


if __name__ == "__main__":
    main()
