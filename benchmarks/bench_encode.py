"""Encode: vidfp's encoder stage vs the raw model forward, same batch and dtype.

DINOv3: ``DINOv3Encoder.encode`` (uint8 frames → preprocessing on the device,
forward with the CLS-attention hook, CLS + pooled regions + centroid, back
to numpy) against ``model.forward_features`` on an already preprocessed
tensor, under the same autocast.  The ratio (encoder frames/s over raw
frames/s) says what the stage adds around the model; the goal is ≥ 0.9.
Weights are random (same architecture and cost as the real ones, which
cannot be downloaded here).  On CUDA the absolute frames/s are printed too.

Baseline: the weight-free encoder's frames/s on one core.

    python benchmarks/bench_encode.py [--model vits16] [--batch 32] [--frames 96]
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
from _timing import best_of, row

from vidfp.encoders.baseline import BaselineEncoder
from vidfp.encoders.dinov3 import DINOv3Encoder


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="vits16")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--frames", type=int, default=96)
    ap.add_argument("--device", default="auto")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 255, (args.frames, 224, 224, 3), dtype=np.uint8)
    enc = DINOv3Encoder(model=args.model, device=args.device, random_init=True, batch_size=args.batch)
    dev = enc.device
    print(f"device {dev}, torch {torch.__version__}, threads {torch.get_num_threads()}, model {enc.model_name}")
    print("| stage | dtype | batch | frames/s | ratio vs raw forward |")
    print("|---|---|---|---|---|")
    dtypes = [("fp32", False)] + ([("bf16", True)] if dev.type == "cuda" else [])
    for name, bf16 in dtypes:
        if dev.type == "cuda":
            torch.backends.cuda.matmul.allow_tf32 = not bf16
        x = [enc._preprocess(frames[s : s + args.batch]) for s in range(0, args.frames, args.batch)]

        def raw():
            with torch.inference_mode(), enc._autocast():
                for xb in x:
                    enc.model.forward_features(xb)
            if dev.type == "cuda":
                torch.cuda.synchronize()

        def stage():
            enc.encode(frames)
            if dev.type == "cuda":
                torch.cuda.synchronize()

        raw(), stage()  # warm-up
        t_raw, t_stage = best_of(raw, 2), best_of(stage, 2)
        label = "bf16 autocast" if dev.type == "cuda" else "fp32"
        print(row("raw model.forward_features", label, args.batch, args.frames / t_raw, 1.0))
        print(row("vidfp DINOv3Encoder.encode", label, args.batch, args.frames / t_stage, t_raw / t_stage))
    base = BaselineEncoder()
    small = rng.integers(0, 255, (256, 144, 144, 3), dtype=np.uint8)
    t = best_of(lambda: base.encode(small), 2)
    print(row("baseline encoder (weight-free)", "fp32", 256, 256 / t, "-"))


if __name__ == "__main__":
    main()
