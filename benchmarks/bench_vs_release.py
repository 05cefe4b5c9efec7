"""End to end: today's default command against a release's default command, same corpus, same run.

Issue #12 bounds the cost of accuracy: the accurate default (SSCD, 2 frames/s, framing,
non-semantic signals) may take at most 1.5× the end-to-end time of the first release's
default (weight-free baseline encoder, 1 frame/s).  The release is checked out with
``git worktree`` from this repository's history and run from its own folder, so its own
code (not this one) runs; both commands are exactly what a user types, into fresh catalogs,
and each is timed as a whole process (start-up, scan, decode, encode, shards, candidates,
scoring, clusters; the old release also starts its temporary Prefect server, as it did for users).

    python benchmarks/bench_vs_release.py --corpus DIR [--release b6c4cee] [--repeat 2]

Prints both times (best of ``--repeat``) and the ratio today / release; ≤ 1.5 meets the bound.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

FIRST_RELEASE = "b6c4cee"  # main before the accuracy work of issue #12 (first release + operations fixes)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed_ingest(cwd: str, corpus: str, db: str) -> float:
    """Wall seconds of ``python -m vidfp.cli ingest CORPUS --db DB`` run from ``cwd`` (its vidfp)."""
    env = {**os.environ, "PYTHONPATH": cwd}
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "vidfp.cli", "ingest", corpus, "--db", db],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True, help="a corpus folder (vidfp bench make DIR)")
    ap.add_argument("--release", default=FIRST_RELEASE, help="the git revision whose default is the reference")
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    corpus = os.path.abspath(a.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        old_src = os.path.join(tmp, "release")
        subprocess.run(["git", "worktree", "add", "-q", "--detach", old_src, a.release], cwd=ROOT, check=True)
        try:
            times: dict[str, list[float]] = {"release": [], "today": []}
            for k in range(a.repeat):  # interleaved, so drifting load hits both alike
                times["release"].append(timed_ingest(old_src, corpus, os.path.join(tmp, f"old{k}.duckdb")))
                times["today"].append(timed_ingest(ROOT, corpus, os.path.join(tmp, f"new{k}.duckdb")))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", old_src], cwd=ROOT, check=False)
    old, new = min(times["release"]), min(times["today"])
    n = sum(1 for f in os.listdir(corpus) if not f.endswith(".json"))
    print(f"corpus: {corpus} ({n} files); best of {a.repeat}")
    print("| command | seconds |")
    print("|---|---|")
    print(f"| release {a.release} default (`vidfp ingest DIR --db X`) | {old:.1f} |")
    print(f"| today's default (`vidfp ingest DIR --db X`) | {new:.1f} |")
    print(f"ratio today / release: {new / old:.2f} (issue #12 bound: ≤ 1.5)")


if __name__ == "__main__":
    main()
