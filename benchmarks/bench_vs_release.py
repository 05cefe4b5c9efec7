"""End to end: today's default command against a release's default command, same corpus, same run.

Issue #12 bounds the cost of accuracy: the accurate default (SSCD, 2 frames/s, framing,
non-semantic signals) may take at most 1.5× the end-to-end time of the first release's
default (weight-free baseline encoder, 1 frame/s).  The release is checked out with
``git worktree`` from this repository's history and run from its own folder, so its own
code (not this one) runs; the commands are exactly what a user types, into fresh catalogs,
and each is timed as a whole process (start-up, scan, decode, encode, shards, candidates,
scoring, clusters).  The release's default also started a temporary Prefect server, as it did
for users; ``--engine local`` (which the release had too) leaves that out, so the second ratio is
the cost of the work alone.

    python benchmarks/bench_vs_release.py --corpus DIR [--release b6c4cee] [--repeat 2]

Prints the times (best of ``--repeat``; the order alternates between repeats) and the ratios today /
release; ≤ 1.5 against the release's default meets the bound.
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


def timed_ingest(cwd: str, corpus: str, db: str, *extra: str) -> float:
    """Wall seconds of ``python -m vidfp.cli ingest CORPUS --db DB [extra]`` run from ``cwd`` (its vidfp)."""
    env = {**os.environ, "PYTHONPATH": cwd}
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "vidfp.cli", "ingest", corpus, "--db", db, *extra],
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
            runs = {
                "release": (old_src, ()),
                "release_local": (old_src, ("--engine", "local")),
                "today": (ROOT, ()),
            }
            times: dict[str, list[float]] = {k: [] for k in runs}
            for k in range(a.repeat):  # interleaved, order alternating, so drifting load hits all alike
                for name in list(runs) if k % 2 == 0 else list(runs)[::-1]:
                    src, extra = runs[name]
                    db = os.path.join(tmp, f"{name}{k}.duckdb")
                    times[name].append(timed_ingest(src, corpus, db, *extra))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", old_src], cwd=ROOT, check=False)
    old, local, new = min(times["release"]), min(times["release_local"]), min(times["today"])
    n = sum(1 for f in os.listdir(corpus) if not f.endswith(".json"))
    print(f"corpus: {corpus} ({n} files); best of {a.repeat}")
    print("| command | seconds |")
    print("|---|---|")
    print(f"| release {a.release} default (`vidfp ingest DIR --db X`, temporary Prefect server) | {old:.1f} |")
    print(f"| release {a.release}, `--engine local` (the work alone) | {local:.1f} |")
    print(f"| today's default (`vidfp ingest DIR --db X`) | {new:.1f} |")
    print(f"ratio today / release default: {new / old:.2f} (issue #12 bound: ≤ 1.5)")
    print(f"ratio today / release, local engine: {new / local:.2f}")


if __name__ == "__main__":
    main()
