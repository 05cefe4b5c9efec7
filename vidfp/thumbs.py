"""Small keyframe JPEGs of catalog videos, made on demand and cached next to the catalog.

Contract: ``<db>.thumbs/<video_id>/<t_ms>-h<height>.jpg`` is the frame shown at
``t_ms`` milliseconds after the video's first frame (the time axis of the
catalog's ``t_s`` and ``matched_segments``), scaled to ``height`` pixels.  The
video id is a hash of the file's bytes, so a cached thumbnail never goes stale;
deleting the folder only costs the time to remake it.  Nothing else is written.

Why on demand rather than during ingest: ingest decodes frames at the
encoder's size with the borders cropped, which is not what a reviewer wants to
see, and most videos are never reviewed; a thumbnail made when a page first
shows it costs one seek and one frame decode (measured in
benchmarks/bench_thumbs.py and the README).

Frames are grabbed in an isolated child process (vidfp.decode.isolation) with a
time limit, so a file that crashes or hangs the decoder costs a placeholder,
never the review server.
"""

from __future__ import annotations

import io
import logging
import os
import uuid
from collections.abc import Sequence

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_HEIGHT = 96
GRAB_TIMEOUT_S = 20.0


def thumbs_root(db: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(db)), os.path.basename(db) + ".thumbs")


def local_file(uri: str) -> str | None:
    """The local path of ``uri`` when it is an existing regular file, else None (remote, vanished)."""
    if "://" in uri and not uri.startswith("file://"):
        return None
    path = uri.removeprefix("file://")
    return path if os.path.isfile(path) else None


def grab_frames(path: str, times_s: Sequence[float], height: int) -> list[np.ndarray | None]:
    """RGB frames uint8 [height, W, 3] shown at ``times_s`` (seconds after the first frame).

    One open; per time, seek to the keyframe before it and decode forward to the last
    frame that starts at or before it (the last frame when the time is past the end).
    """
    import av

    out: list[np.ndarray | None] = []
    with av.open(path) as c:
        s = c.streams.video[0]
        tb = float(s.time_base) if s.time_base else 1.0
        t0 = None
        for f in c.decode(s):  # the first frame's presentation time is the catalog's zero
            t0 = f.time if f.time is not None else 0.0
            break
        if t0 is None:
            raise ValueError("no video frames")
        w = max(2, int(round(height * (s.codec_context.width or height) / max(s.codec_context.height or height, 1))))
        w += w % 2
        for t in times_s:
            target = t0 + max(float(t), 0.0)
            c.seek(int(target / tb), stream=s, backward=True)
            chosen = None
            for f in c.decode(s):  # the last frame that starts at or before the target is on screen then
                if chosen is not None and f.time is not None and f.time > target + 1e-3:
                    break
                chosen = f
                if f.time is None:
                    break
            out.append(None if chosen is None else chosen.to_ndarray(format="rgb24", width=w, height=height))
    return out


def _grab_job(path: str, times_s: list[float], height: int) -> list[bytes | None]:
    """Child-process job: frames as JPEG bytes (small to send back)."""
    return [None if f is None else to_jpeg(f) for f in grab_frames(path, times_s, height)]


def to_jpeg(rgb: np.ndarray, quality: int = 82) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def placeholder(text: str, height: int = DEFAULT_HEIGHT, width: int | None = None) -> bytes:
    """A grey JPEG that says why there is no picture (e.g. 'file missing')."""
    from PIL import Image, ImageDraw

    width = width or int(height * 16 / 9)
    im = Image.new("RGB", (width, height), (70, 70, 76))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 0, width - 1, height - 1], outline=(150, 150, 156))
    lines = text.split("\n")
    y = max(2, height // 2 - 7 * len(lines))
    for line in lines:
        d.text((6, y), line[:40], fill=(235, 235, 235))
        y += 14
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=85)
    return buf.getvalue()


def _write_atomic(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp-{uuid.uuid4().hex[:8]}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class ThumbCache:
    """Keyframes of catalog videos: from the cache folder, else grabbed, cached and returned.

    ``isolated=False`` grabs in this process (faster, no protection from a decoder crash).
    """

    def __init__(self, root: str, height: int = DEFAULT_HEIGHT, isolated: bool = True):
        self.root, self.height, self.isolated = root, height, isolated

    def path(self, video_id: str, t_s: float, height: int | None = None) -> str:
        return os.path.join(self.root, video_id, f"{int(round(t_s * 1000))}-h{height or self.height}.jpg")

    def get(
        self, video_id: str, uri: str | None, times_s: Sequence[float], height: int | None = None
    ) -> list[tuple[bytes, bool]]:
        """(JPEG bytes, is_real) per time; a placeholder that says why when the frame cannot be had."""
        h = height or self.height
        out: list[tuple[bytes, bool] | None] = []
        todo = []
        for k, t in enumerate(times_s):
            p = self.path(video_id, t, h)
            if os.path.isfile(p):
                with open(p, "rb") as f:
                    out.append((f.read(), True))
            else:
                out.append(None)
                todo.append(k)
        if not todo:
            return out  # type: ignore[return-value]
        path = local_file(uri) if uri else None
        if path is None:
            why = "file missing" if uri and "://" not in uri.removeprefix("file://") else "not a local file"
            ph = placeholder(why, h)
            return [o or (ph, False) for o in out]
        frames, error = self._grab(path, [float(times_s[k]) for k in todo], h)
        for k, jpg in zip(todo, frames, strict=True):
            if jpg is None:
                out[k] = (placeholder(error or "no frame here", h), False)
                continue
            out[k] = (jpg, True)
            try:
                _write_atomic(self.path(video_id, times_s[k], h), jpg)
            except OSError as e:  # a read-only folder: serve without caching
                log.info("thumbnail not cached: %s", e)
        return out  # type: ignore[return-value]

    def _grab(self, path: str, times: list[float], h: int) -> tuple[list[bytes | None], str | None]:
        if not self.isolated:
            try:
                return _grab_job(path, times, h), None
            except Exception as e:  # noqa: BLE001 - any decoder error becomes a placeholder
                log.info("no thumbnail for %s: %s", path, e)
                return [None] * len(times), "cannot decode"
        from vidfp.decode.isolation import run_isolated

        try:
            for _, ok, value in run_isolated(
                _grab_job, [("thumb", (path, times, h))], workers=1, timeout_s=GRAB_TIMEOUT_S
            ):
                if ok:
                    return value, None
                log.info("no thumbnail for %s: %s", path, value)
                return [None] * len(times), "cannot decode" if "timed out" not in str(value) else "decoder timed out"
        except Exception as e:  # noqa: BLE001 - no child process (e.g. a host program without a __main__ guard)
            log.warning("thumbnail worker failed for %s: %s", path, e)
        return [None] * len(times), "cannot decode"
