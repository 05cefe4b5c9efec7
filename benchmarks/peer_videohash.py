"""videohash (PyPI 3.0.1) as a peer: hashes, pair scores and its figures on a corpus.

videohash needs two things this machine lacks: an ``ffmpeg`` on PATH (we
link the binary the ``imageio-ffmpeg`` wheel ships) and ``PIL.Image.ANTIALIAS``,
removed in Pillow 10 (we alias it to LANCZOS, which is what it meant).

Its score for a pair is 1 − Hamming(h_a, h_b) / 64; it calls two videos
similar when at most 15 % of the bits differ, and we cluster those pairs with
the same union-find vidfp uses, so the figures are comparable.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import time

from vidfp.cluster import clusters_from_edges
from vidfp.eval.judged import judged_pairs
from vidfp.eval.metrics import cluster_prf, micro_ap, pair_ordering
from vidfp.eval.truth import load_truth


def shim() -> str:
    """Make videohash importable and runnable here; returns the PATH dir holding ``ffmpeg``."""
    import PIL.Image

    if not hasattr(PIL.Image, "ANTIALIAS"):
        PIL.Image.ANTIALIAS = PIL.Image.LANCZOS
    if shutil.which("ffmpeg"):
        return os.path.dirname(shutil.which("ffmpeg"))
    import imageio_ffmpeg

    d = tempfile.mkdtemp(prefix="vidfp-ffmpeg-")
    os.symlink(imageio_ffmpeg.get_ffmpeg_exe(), os.path.join(d, "ffmpeg"))
    os.environ["PATH"] = d + os.pathsep + os.environ.get("PATH", "")
    return d


def hash_corpus(files: list[str]) -> tuple[dict[str, str], dict[str, str], float]:
    """(file → 64-bit hash string, file → error, seconds)."""
    shim()
    from videohash import VideoHash

    hashes, errors = {}, {}
    t0 = time.perf_counter()
    for f in files:
        try:
            vh = VideoHash(path=f)
            hashes[f] = vh.hash
            vh.delete_storage_path()
        except Exception as e:  # noqa: BLE001 - a peer's failure is a figure, not a crash
            errors[f] = f"{type(e).__name__}: {e}"[:200]
    return hashes, errors, time.perf_counter() - t0


def evaluate(hashes: dict[str, str], truth_path: str, similar_bits: int = 9) -> dict:
    """videohash's figures against truth.json (files named by basename), judged as ``vidfp eval``
    judges vidfp's catalog (vidfp.eval.judged): a partial host's pair with its source is a copy pair
    for µAP and copy > hard and never a cluster edge, and a host's other pairs are not judged."""
    truth = load_truth(truth_path)
    name = {f: os.path.basename(f) for f in hashes}
    bits = {name[f]: h.removeprefix("0b") for f, h in hashes.items()}
    jp = judged_pairs(truth, {n: n for n in bits})  # truth names are the ids here
    scores = {}
    for a, b in itertools.combinations(sorted(bits), 2):
        d = sum(x != y for x, y in zip(bits[a], bits[b]))
        scores[(a, b)] = 1.0 - d / 64.0
    thr = 1.0 - similar_bits / 64.0
    clusters = clusters_from_edges(list(bits), [(a, b, s >= thr) for (a, b), s in scores.items()])
    cp, cr, cf = cluster_prf(clusters, jp.groups)
    judged = {p: s for p, s in scores.items() if jp.is_judged(p)}
    positives = jp.positives | jp.partial_pairs
    return {
        "micro_ap": micro_ap(judged, positives),
        "copy_over_hard_negative": pair_ordering(judged, positives, jp.hard),
        "cluster_precision": cp,
        "cluster_recall": cr,
        "cluster_f1": cf,
        "hard_negatives_clustered": sum(clusters[a] == clusters[b] for a, b in jp.hard),
        "broken_recorded": "n/a (no catalog)",
    }
