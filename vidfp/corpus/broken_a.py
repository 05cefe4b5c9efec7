"""Family A's broken files: empty, truncated, text, a zeroed header, an image renamed .mp4 and an
MP4 with an audio stream and no video stream (family B's other kinds: vidfp.corpus.broken_b)."""

from __future__ import annotations

import io
import os

import numpy as np


def write_broken(out: str, good: str, truth: dict) -> None:
    """Write family A's broken files under ``out`` (``good``: a video file there to cut and damage) and
    record each in ``truth["broken"]`` (file → kind)."""
    data = open(os.path.join(out, good), "rb").read()
    cases = {
        "broken_empty.mp4": b"",
        "broken_truncated.mp4": data[: len(data) // 3],
        "broken_text.mp4": b"this is not a video\n" * 50,
        "broken_header.mp4": bytes(64) + data[64:],
    }
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(buf, format="PNG")
    cases["broken_image_renamed.mp4"] = buf.getvalue()
    for name, blob in cases.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
        truth["broken"][name] = name.removeprefix("broken_").removesuffix(".mp4")
    import av  # an MP4 with an audio stream and no video stream

    with av.open(os.path.join(out, "broken_audio_only.mp4"), "w") as c:
        s = c.add_stream("aac", rate=16000)
        for k in range(20):
            fr = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            fr.sample_rate, fr.pts = 16000, k * 1024
            for p in s.encode(fr):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    truth["broken"]["broken_audio_only.mp4"] = "audio_only"
