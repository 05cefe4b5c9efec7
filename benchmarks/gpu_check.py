"""GPU code paths, checked on a machine with CUDA: DINOv3 on CUDA under bf16 autocast against fp32 on
the CPU, the weights loaders onto CUDA, SSCD's choice of ONNX Runtime provider, faiss's index placement.

    python benchmarks/gpu_check.py [--out FILE.json] [--speed-models vits16 vitb16 vitl16]

Every DINOv3 model is randomly initialised (seeded) with the real architecture: no weights can be
downloaded on the build machines, and parity between devices does not need trained ones.  Figures:

- parity: per-frame cosine of the global and region vectors and the largest centroid difference,
  CUDA against the CPU's fp32 on the same weights and frames, with bf16 autocast (the default on
  CUDA) and with autocast off (fp32 on CUDA, where only TF32 convolutions and kernel order differ);
- batching: one frame at a time against batches of 16 on CUDA;
- loaders: a Meta ``.pth`` and a timm ``.safetensors`` file of a tiny model, loaded onto CUDA;
- speed: frames/s of ``DINOv3Encoder.encode`` (pre-processing and copies included) on CUDA against
  the CPU of the same machine, in the same run (the ratio is the figure; frames/s are indicative).

On a machine without CUDA the CUDA checks are reported as skipped, so the script can be tried first
where it is written.  Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TINY = dict(embed_dim=64, depth=2, num_heads=2)
FAILED: list[str] = []


def check(name: str, ok: bool, detail: str) -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if not ok:
        FAILED.append(name)


def frames(n: int, size: int, seed: int = 0) -> np.ndarray:
    """Smooth seeded pictures with texture (pure noise would be an unlike input for a ViT)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size] / size
    out = []
    for _ in range(n):
        a, b, c = rng.uniform(1, 6, 3)
        base = np.stack([np.sin(a * xx + b * yy), np.cos(b * xx - c * yy), np.sin(c * (xx + yy))], -1)
        pic = 127.5 * (1 + 0.8 * base) + rng.normal(0, 12, (size, size, 3))
        out.append(np.clip(pic, 0, 255).astype(np.uint8))
    return np.stack(out)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


def dinov3_checks(report: dict, cuda: bool, dev: str) -> None:
    import torch

    from vidfp.encoders.dinov3 import DINOv3Encoder, pick_device

    report["auto_device"] = str(pick_device("auto"))
    check("auto device", report["auto_device"] == ("cuda" if cuda else "cpu"), report["auto_device"])
    if dev == "cuda" and not cuda:
        print("skip DINOv3 on CUDA: no CUDA device")
        return
    torch.manual_seed(0)
    cpu = DINOv3Encoder(random_init=True, model="vits16", device="cpu")
    gpu = DINOv3Encoder(random_init=True, model="vits16", device=dev)
    gpu.model.load_state_dict(cpu.model.state_dict())
    x = frames(64, 224)
    ref = cpu.encode(x)
    seen: list = []  # the dtype a linear layer computes in, under the encoder's autocast
    gpu.model.blocks[0].mlp.fc1.register_forward_hook(lambda m, i, o: seen.append(o.dtype))
    for mode in ("bf16", "fp32"):
        if mode == "fp32":
            gpu._autocast = lambda: torch.autocast(dev, enabled=False)  # this run only
        seen.clear()
        got = gpu.encode(x)
        g, r, c = cosines(got[0], ref[0]), cosines(got[1], ref[1]), np.abs(got[2] - ref[2]).max()
        # a random ViT gives every picture nearly the same vector, so parity is also taken on what
        # differs between pictures: the vectors less their mean over the 64 frames
        gc = cosines(got[0] - got[0].mean(0), ref[0] - ref[0].mean(0))
        rc = cosines(got[1] - got[1].mean(0), ref[1] - ref[1].mean(0))
        fig = {
            "linear_dtype": str(seen[0]).replace("torch.", ""),
            "global_cos_min": float(g.min()),
            "region_cos_min": float(r.min()),
            "centred_global_cos_min": float(gc.min()),
            "centred_region_cos_min": float(rc.min()),
            "centroid_max_diff": float(c),
        }
        report[f"parity_{mode}"] = fig
        floor, centred_floor = (0.99, 0.95) if mode == "bf16" else (0.9999, 0.999)
        want = "bfloat16" if mode == "bf16" and dev == "cuda" else "float32"
        ok = min(g.min(), r.min()) >= floor and min(gc.min(), rc.min()) >= centred_floor and c <= 0.01
        ok = ok and fig["linear_dtype"] == want
        check(f"DINOv3 {dev} {mode} vs CPU fp32", bool(ok), str(fig))
    del gpu._autocast  # back to the class's autocast (bf16 on CUDA)
    one = [gpu.encode(x[i : i + 1]) for i in range(16)]
    batch = gpu.encode(x[:16])
    diff = max(float(np.abs(np.concatenate([o[k] for o in one]) - batch[k]).max()) for k in range(3))
    report["batch1_vs_batch16_max_diff"] = diff
    check(f"DINOv3 {dev} batch of 1 vs 16", diff <= 0.02, f"max |diff| {diff:.2e}")
    loader_checks(report, dev)
    speed(report, cpu, gpu, x, dev)


def loader_checks(report: dict, dev: str) -> None:
    import torch
    from safetensors.torch import save_file

    from tests.conftest import meta_state_dict
    from vidfp.encoders.dinov3 import DINOv3Encoder

    torch.manual_seed(1)
    tiny = DINOv3Encoder(random_init=True, size=64, device="cpu", model_kwargs=TINY)
    x = frames(8, 64, seed=1)
    ref = tiny.encode(x)
    with tempfile.TemporaryDirectory() as d:
        pth, st = os.path.join(d, "dinov3_tiny_pretrain.pth"), os.path.join(d, "tiny.safetensors")
        torch.save(meta_state_dict(tiny.model.state_dict()), pth)
        save_file({k: v.contiguous() for k, v in tiny.model.state_dict().items()}, st)
        for name, path in (("meta .pth", pth), ("timm .safetensors", st)):
            enc = DINOv3Encoder(weights_path=path, size=64, device=dev, model_kwargs=TINY)
            got = enc.encode(x)
            g = float(cosines(got[0], ref[0]).min())
            fig = {"device": str(next(enc.model.parameters()).device), "global_cos_min": g}
            report[f"loader_{name}"] = fig
            check(f"{name} loaded onto {dev}", g >= 0.99 and enc.device.type == dev, str(fig))


def rate(enc, pics: np.ndarray, repeat: int, dev: str) -> float:
    """frames/s of ``enc.encode(pics)``, best of ``repeat`` after a warm-up (kernels, allocator); on CUDA
    the clock stops once the device is done."""
    import torch

    def sync() -> None:
        if dev == "cuda":
            torch.cuda.synchronize()

    enc.encode(pics[:8])
    best = float("inf")
    for _ in range(repeat):
        sync()
        t = time.perf_counter()
        enc.encode(pics)
        sync()
        best = min(best, time.perf_counter() - t)
    return len(pics) / best


def speed(report: dict, cpu, gpu, x: np.ndarray, dev: str) -> None:
    import torch

    big = np.concatenate([x] * 8)  # 512 frames, each copy shifted so that none repeats another
    big = np.stack([np.roll(f, k // 64, axis=1) for k, f in enumerate(big)])
    gpu.batch_size = 128
    on_cuda = dev == "cuda"
    g = rate(gpu, big if on_cuda else big[:32], 3 if on_cuda else 1, dev)
    c = rate(cpu, x[:32], 1, dev)
    report["speed_frames_per_s"] = {dev: g, "cpu_fp32": c, "ratio": g / c, "cpu_threads": torch.get_num_threads()}
    print(f"speed: {dev} {g:.1f} frames/s, CPU fp32 {c:.1f} frames/s, ratio {g / c:.2f}")
    if on_cuda:
        check("DINOv3 vits16 224² faster on CUDA", g > c, f"{g / c:.0f}×")


def model_speeds(report: dict, models: list[str], dev: str) -> None:
    """frames/s of ``encode`` at 224² for each DINOv3 size on ``dev`` (bf16 on CUDA), batches of 128."""
    import torch

    from vidfp.encoders.dinov3 import DINOv3Encoder

    pics = frames(512 if dev == "cuda" else 16, 224, seed=4)
    out = {}
    for m in models:
        torch.manual_seed(0)
        enc = DINOv3Encoder(random_init=True, model=m, device=dev, batch_size=128)
        out[m] = rate(enc, pics, 1, dev)
        print(f"speed {m}: {out[m]:.0f} frames/s on {dev}")
        del enc
    report["model_speeds_frames_per_s"] = out


def sscd_checks(report: dict, cuda: bool) -> None:
    try:
        import onnxruntime as ort

        from vidfp.encoders.sscd import SSCDEncoder, get_session, providers_for
    except ImportError as e:
        print(f"skip SSCD: {e}")
        return
    avail = ort.get_available_providers()
    report["ort"] = {"version": ort.__version__, "providers": avail}
    auto = providers_for("auto")
    has_cuda_ep = "CUDAExecutionProvider" in avail
    check("SSCD auto provider", (auto[0][0] == "CUDAExecutionProvider") == has_cuda_ep, str(auto))
    if not has_cuda_ep:
        try:
            providers_for("cuda")
            check("SSCD --device cuda without the CUDA provider", False, "no error")
        except RuntimeError as e:
            check("SSCD --device cuda without the CUDA provider", "onnxruntime-gpu" in str(e), f"clear error: {e}")
    try:
        enc = SSCDEncoder("sscd-distilled", device="auto")
    except Exception as e:  # noqa: BLE001 - the models may not be installed there
        print(f"skip SSCD encode: {type(e).__name__}: {e}")
        return
    x = frames(8, enc.size, seed=2)
    g, r, _ = enc.encode(x)
    used = get_session(enc.path, enc.device, enc.threads).get_providers()[0]
    report["sscd_auto_session"] = used
    ok = r.shape == (8, len(enc.boxes), 1024) and np.allclose(np.linalg.norm(r, axis=-1), 1, atol=1e-5)
    check("SSCD encodes on the auto provider", ok, f"{used}, regions {r.shape}")
    if has_cuda_ep:
        cpu = SSCDEncoder("sscd-distilled", device="cpu")
        d = float(cosines(cpu.encode(x)[1], r).min())
        check("SSCD CUDA vs CPU", d >= 0.999, f"region cosine min {d:.5f}")


def faiss_checks(report: dict) -> None:
    try:
        import faiss
    except ImportError as e:
        print(f"skip faiss: {e}")
        return
    from vidfp.index.candidates import build_index

    gpus = faiss.get_num_gpus() if hasattr(faiss, "get_num_gpus") else 0
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2000, 64)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    index = build_index(x, "flat", gpu=True)
    sims, ids = index.search(x[:50], 10)
    exact = np.argsort(-(x[:50] @ x.T), axis=1)[:, :10]
    kind = type(index).__name__
    report["faiss"] = {"version": faiss.__version__, "gpus": gpus, "index": kind}
    check("faiss index placement", ("Gpu" in kind) == (gpus > 0), f"{kind} with {gpus} GPU(s) visible to faiss")
    check("faiss search equals exact top-10", bool((ids == exact).all()), f"{(ids == exact).mean():.3f} of ids equal")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="write the figures as JSON here")
    ap.add_argument("--device", default="cuda", help="device under test (cpu: try the script itself on a CPU)")
    ap.add_argument("--speed-models", nargs="*", default=[], help="DINOv3 sizes to time (vits16 vitb16 ...)")
    a = ap.parse_args()
    import torch

    cuda = torch.cuda.is_available()
    report: dict = {
        "torch": torch.__version__,
        "cuda": cuda,
        "device_name": torch.cuda.get_device_name(0) if cuda else None,
        "python": sys.version.split()[0],
    }
    import timm

    report["timm"] = timm.__version__
    print(json.dumps(report))
    dinov3_checks(report, cuda, a.device)
    if a.speed_models and (cuda or a.device == "cpu"):
        model_speeds(report, a.speed_models, a.device)
    sscd_checks(report, cuda)
    faiss_checks(report)
    report["failed"] = FAILED
    if a.out:
        with open(a.out, "w") as f:
            json.dump(report, f, indent=1)
    print(f"{len(FAILED)} failed: {FAILED}" if FAILED else "all checks passed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
