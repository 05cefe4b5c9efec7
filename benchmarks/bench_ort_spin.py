"""ONNX Runtime thread spinning for the SSCD encoder: alone, and inside the pipeline.

``vidfp.encoders.sscd.get_session`` turns ORT's ``session.intra_op.allow_spinning`` off: idle
intra-op threads would otherwise busy-wait between runs on cores that the decode children
(which decode the next videos while ORT encodes the current ones) need.  Spinning is ORT's own
default and is faster when ORT has the machine to itself, so the choice is measured both ways:

- *alone*: ``SSCDEncoder.encode`` on random frames (per frame the whole 144² frame and the five 96²
  windows, each also mirrored: 12 images) with two sessions that differ only in spinning; the
  outputs must be equal (the setting changes scheduling, not arithmetic);
- *pipeline*: ``vidfp ingest CORPUS --db FRESH --engine local`` as a whole process, the two
  settings interleaved (order alternating per round), best of ``--repeat``.  The off setting is
  the code as it is; the on setting is the same code with the spinning entry overridden in the
  child process (:func:`spinning_forced`, which the *alone* half uses too).

    python benchmarks/bench_ort_spin.py --corpus DIR [--repeat 2] [--frames 128]

Prints seconds and the ratio on / off for each; a ratio < 1 means spinning is faster.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))
ENTRY = "session.intra_op.allow_spinning"

# the child processes: vidfp's CLI as it is, or with spinning forced on
_AS_IS = "import sys; from vidfp.cli import main; sys.exit(main(sys.argv[1:]))"
_SPIN_ON = (
    f"import sys; sys.path.insert(0, {HERE!r}); from bench_ort_spin import spinning_forced; "
    "from vidfp.cli import main\nwith spinning_forced(): sys.exit(main(sys.argv[1:]))"
)


@contextlib.contextmanager
def spinning_forced() -> Iterator[None]:
    """Sessions created inside get ORT's spinning entry as "1" whatever vidfp asks for."""
    import onnxruntime as ort

    add = ort.SessionOptions.add_session_config_entry

    def patched(self, key: str, value: str) -> None:
        add(self, key, "1" if key == ENTRY else value)

    ort.SessionOptions.add_session_config_entry = patched
    try:
        yield
    finally:
        ort.SessionOptions.add_session_config_entry = add


def alone(frames: int, repeat: int) -> tuple[float, float]:
    """Best seconds of ``SSCDEncoder.encode`` with its session as vidfp makes it (spinning off) and
    with spinning forced on (region features checked equal)."""
    from vidfp.encoders import sscd

    enc = sscd.SSCDEncoder("sscd-distilled")
    x = np.random.default_rng(0).integers(0, 255, (frames, enc.size, enc.size, 3), dtype=np.uint8)
    key = (enc.path, enc.device, enc.threads)
    sessions = {}
    for name in ("off", "on"):
        sscd._SESSIONS.pop(key, None)  # get_session caches one session per key: build each afresh
        with spinning_forced() if name == "on" else contextlib.nullcontext():
            sessions[name] = sscd.get_session(*key)

    def run(name: str) -> np.ndarray:
        sscd._SESSIONS[key] = sessions[name]
        return enc.encode(x)[1]

    if not np.array_equal(run("off"), run("on")):
        raise SystemExit("outputs differ between the two settings")
    best = {"off": float("inf"), "on": float("inf")}
    for _ in range(repeat):
        for name in best:
            t0 = time.perf_counter()
            run(name)
            best[name] = min(best[name], time.perf_counter() - t0)
    return best["off"], best["on"]


def pipeline(corpus: str, repeat: int) -> tuple[float, float]:
    """Best wall seconds of a fresh ``vidfp ingest --engine local`` with spinning off and on."""
    times: dict[str, list[float]] = {"off": [], "on": []}
    env = {**os.environ, "PYTHONPATH": ROOT}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeat):
            for name in ("off", "on") if k % 2 == 0 else ("on", "off"):
                code = _AS_IS if name == "off" else _SPIN_ON
                db = os.path.join(tmp, f"{name}{k}.duckdb")
                t0 = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-c", code, "ingest", corpus, "--db", db, "--engine", "local", "--json"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                times[name].append(time.perf_counter() - t0)
    return min(times["off"]), min(times["on"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True, help="a corpus folder (vidfp bench make DIR)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--frames", type=int, default=128)
    a = ap.parse_args()
    off, on = alone(a.frames, 3)
    print(f"alone: {a.frames} frames × 12 images, best of 3; outputs equal")
    print("| where | spinning off (default) s | spinning on s | ratio on / off |")
    print("|---|---|---|---|")
    print(f"| encoder alone | {off:.2f} | {on:.2f} | {on / off:.3f} |")
    off, on = pipeline(os.path.abspath(a.corpus), a.repeat)
    print(f"| `vidfp ingest --engine local`, best of {a.repeat} | {off:.1f} | {on:.1f} | {on / off:.3f} |")


if __name__ == "__main__":
    main()
