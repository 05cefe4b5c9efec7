"""ONNX Runtime thread spinning for the SSCD encoder: alone, and inside the pipeline.

``vidfp.encoders.sscd.get_session`` turns ORT's ``session.intra_op.allow_spinning`` off: idle
intra-op threads would otherwise busy-wait between runs on cores that the decode children
(which decode the next videos while ORT encodes the current ones) need.  Spinning is ORT's own
default and is faster when ORT has the machine to itself, so the choice is measured both ways:

- *alone*: the encoder's real crop mix (per frame, the whole 144² frame and the five 96² windows,
  each also mirrored: 12 images) through two sessions that differ only in spinning; the outputs
  must be equal (the setting changes scheduling, not arithmetic);
- *pipeline*: ``vidfp ingest CORPUS --db FRESH --engine local`` as a whole process, the two
  settings interleaved (order alternating per round), best of ``--repeat``.  The off setting is
  the code as it is; the on setting is the same code with the spinning entry overridden in the
  child process (``SessionOptions.add_session_config_entry`` wrapped before vidfp starts).

    python benchmarks/bench_ort_spin.py --corpus DIR [--repeat 2] [--frames 128]

Prints seconds and the ratio on / off for each; a ratio < 1 means spinning is faster.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENTRY = "session.intra_op.allow_spinning"

# run in the child: the same vidfp, with ORT's spinning entry forced to "1"
_SPIN_ON = f"""
import sys, onnxruntime as ort
_add = ort.SessionOptions.add_session_config_entry
def _patched(self, key, value):
    return _add(self, key, "1" if key == {ENTRY!r} else value)
ort.SessionOptions.add_session_config_entry = _patched
from vidfp.cli import main
sys.exit(main(sys.argv[1:]))
"""
_AS_IS = "import sys; from vidfp.cli import main; sys.exit(main(sys.argv[1:]))"


def alone(frames: int, repeat: int) -> tuple[float, float]:
    """Best seconds of the crop mix through an off and an on session (outputs checked equal)."""
    import onnxruntime as ort

    from vidfp.encoders.sscd import SSCDEncoder

    enc = SSCDEncoder("sscd-distilled")
    x = np.random.default_rng(0).integers(0, 255, (frames, enc.size, enc.size, 3), dtype=np.uint8)
    groups: dict[int, list[np.ndarray]] = {}
    for x0, y0, s in enc.boxes:
        crop = x[:, y0 : y0 + s, x0 : x0 + s]
        groups.setdefault(s, []).extend([crop, crop[:, :, ::-1]])
    batches = [np.ascontiguousarray(np.concatenate(g)) for g in groups.values()]

    def session(spin: str):
        so = ort.SessionOptions()
        so.intra_op_num_threads = enc.threads
        so.inter_op_num_threads = 1
        so.add_session_config_entry(ENTRY, spin)
        return ort.InferenceSession(enc.path, so, providers=["CPUExecutionProvider"])

    def run(sess) -> np.ndarray:
        bs = enc.batch_size
        return np.concatenate(
            [sess.run(None, {"image": b[i : i + bs]})[0] for b in batches for i in range(0, len(b), bs)]
        )

    off, on = session("0"), session("1")
    if not np.array_equal(run(off), run(on)):
        raise SystemExit("outputs differ between the two settings")
    best = {"off": float("inf"), "on": float("inf")}
    for _ in range(repeat):
        for name, sess in (("off", off), ("on", on)):
            t0 = time.perf_counter()
            run(sess)
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
