"""Distinct frames: encode each picture once, however often the sampler picks it.

Sampled frames repeat bit for bit more often than one would guess: a still or frozen shot, a
slideshow, a stream whose frame-rate conversion duplicated frames, a title card held for seconds.
On the tuning corpus (family A seed 0, 4,638 frames at 2 frames/s) 6 % of a video's sampled frames
equal an earlier frame of the same video (3.5 % the one just before).  An encoder is a pure function
of the pixels, so embedding the distinct frames and copying rows gives the same features: the SSCD
encoder's 12 embeddings per frame are most of an ingest's CPU time.

Given frames x [N, H, W, 3], ``distinct_frames`` returns

    first   int64 [M]   index of the first occurrence of each distinct frame, increasing
    inverse int64 [N]   position in ``first`` of each frame's representative

so that ``x[first][inverse]`` equals ``x`` exactly.  Frames are grouped by a 128-bit BLAKE2b
digest of their bytes and then compared byte for byte, so a digest collision cannot merge two
different frames; hashing costs about a memory pass (≈ 60 kB per 144² frame).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np


def frame_digest(frame: np.ndarray) -> bytes:
    """A 128-bit digest of one frame's bytes (shape and dtype are the caller's: one array's frames)."""
    return hashlib.blake2b(np.ascontiguousarray(frame).data, digest_size=16).digest()


def distinct_frames(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first [M], inverse [N]) with ``pixels[first][inverse] == pixels``; see the module docstring."""
    first: list[int] = []
    inverse = np.empty(len(pixels), np.int64)
    by_digest: dict[bytes, list[int]] = {}  # digest → positions in ``first``
    for i, frame in enumerate(pixels):
        candidates = by_digest.setdefault(frame_digest(frame), [])
        for j in candidates:
            if np.array_equal(pixels[first[j]], frame):
                inverse[i] = j
                break
        else:
            candidates.append(len(first))
            inverse[i] = len(first)
            first.append(i)
    return np.asarray(first, np.int64), inverse


def encode_distinct(
    encode: Callable[[np.ndarray], tuple[np.ndarray, ...]], pixels: np.ndarray, chunk: int = 64
) -> tuple[np.ndarray, ...]:
    """``encode(pixels)`` computed on the distinct frames only, each output's rows copied back:
    for per-frame outputs (row i depends on frame i alone), [N, ...] as ``encode`` gives.

    ``encode`` is called on ``chunk`` frames at a time (the encoder's batch): without repeats on
    slices of ``pixels`` (views), with them on the distinct frames gathered a chunk at a time, so a
    long video's pixels are never copied whole."""
    if not len(pixels):
        return encode(pixels)
    first, inverse = distinct_frames(pixels)
    repeats = len(first) < len(pixels)
    parts = [
        encode(pixels[first[s : s + chunk]] if repeats else pixels[s : s + chunk]) for s in range(0, len(first), chunk)
    ]
    outs = tuple(np.concatenate(o) for o in zip(*parts, strict=True))
    return tuple(o[inverse] for o in outs) if repeats else outs
