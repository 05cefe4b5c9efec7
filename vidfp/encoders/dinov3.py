"""DINOv3 frame encoder on timm's DINOv3 ViTs (exact parity with Meta's reference).

Per frame [H, W] (multiple of 16), with P = (H/16)·(W/16) patch tokens,
1 CLS and 4 register tokens:

- global: CLS after the final norm, L2-normalised                [D]
- regions: patch tokens after the final norm, average-pooled to a
  grid×grid layout, each L2-normalised (registers dropped)      [g², D]
- centroid: last block's CLS→patch attention, heads averaged,
  CLS/registers excluded, renormalised over patches, as a
  distribution a_p; centroid = Σ_p a_p · (x_p, y_p)              [2]
- patch statistics: entropy H = −Σ a_p log a_p / log P ∈ [0, 1],
  spread = sqrt(Σ a_p ‖pos_p − centroid‖²)

The centroid needs attention *weights*, which fused SDPA does not return.
Instead of switching the layer to the slow path, a forward pre-hook on the
last attention module recomputes the single CLS query row:

    q_cls = LN-input_cls · W_qᵀ + b_q,  K = X · W_kᵀ (+ RoPE on patch keys),
    a = softmax(q_cls Kᵀ / √d_h)     — O(N·D) instead of O(N²·D),

and every layer keeps SDPA.  Tests check it against the full non-fused
attention to 1e-5.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from vidfp.encoders.base import Encoder
from vidfp.encoders.dinov3_models import MODELS
from vidfp.encoders.distinct import encode_distinct
from vidfp.encoders.weights import (
    WeightsNotFound,
    file_sha256,
    hub_weights_path,
    load_state_dict_file,
    missing_weights_message,
    to_timm_state_dict,
)

log = logging.getLogger(__name__)

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass
class _Captured:
    attn: torch.Tensor | None = None  # [B, P] CLS→patch attention, heads averaged


def pick_device(device: str | None) -> torch.device:
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


class DINOv3Encoder(Encoder):
    name = "dinov3"
    runs_in_worker = False
    # Not measured (no real weights on the build machines): a catalog of ≥ 8 videos measures its own.
    calibration_prior = (0.3, 0.1)

    def __init__(
        self,
        weights_path: str | None = None,
        model: str = "vits16",
        device: str | None = None,
        size: int = 224,
        grid: int = 3,
        batch_size: int = 64,
        cpu_bf16: bool = False,
        random_init: bool = False,
        model_kwargs: dict | None = None,
    ):
        import timm

        if size % 16:
            raise ValueError("size must be a multiple of 16")
        self.model_name = MODELS.get(model, model)
        self.size, self.grid, self.batch_size = size, grid, batch_size
        self.device = pick_device(device)
        self.cpu_bf16 = cpu_bf16
        self.model = timm.create_model(
            self.model_name, pretrained=False, num_classes=0, img_size=size, **(model_kwargs or {})
        )
        self.weights_sha = self._load_weights(weights_path, random_init)
        self.model.eval().to(self.device).to(memory_format=torch.channels_last)
        self.npt = self.model.num_prefix_tokens  # CLS + registers
        self._cap = _Captured()
        self.model.blocks[-1].attn.register_forward_pre_hook(self._cls_attention_hook, with_kwargs=True)
        self._mean = torch.tensor(IMAGENET_MEAN, device=self.device).view(1, 3, 1, 1)
        self._std = torch.tensor(IMAGENET_STD, device=self.device).view(1, 3, 1, 1)

    # ---- weights ---------------------------------------------------------
    def _load_weights(self, weights_path: str | None, random_init: bool) -> str:
        if weights_path:
            sd = to_timm_state_dict(load_state_dict_file(weights_path), self.model)
            self.model.load_state_dict(sd, strict=True)
            return file_sha256(weights_path)
        if random_init:  # tests and benchmarks only: explicit, never a silent fallback
            return "random"
        path = hub_weights_path(self.model_name)
        if path is None:
            raise WeightsNotFound(missing_weights_message(self.model_name))
        self.model.load_state_dict(to_timm_state_dict(load_state_dict_file(path), self.model), strict=True)
        return file_sha256(path)

    @property
    def input_size(self) -> tuple[int, int]:
        return (self.size, self.size)

    def key(self) -> str:
        return f"dinov3:{self.model_name}:{self.weights_sha}:s{self.size}:g{self.grid}:v1"

    def info(self) -> dict[str, str]:
        return {"encoder": self.name, "model": self.model_name, "weights_sha": self.weights_sha, "key": self.key()}

    # ---- attention hook --------------------------------------------------
    def _cls_attention_hook(self, module, args, kwargs):
        from timm.layers import apply_rot_embed_cat

        x = args[0] if args else kwargs["x"]
        rope = kwargs.get("rope", args[1] if len(args) > 1 else None)
        b, n, c = x.shape
        h = module.num_heads
        w = module.qkv.weight  # [3·A, C]
        a_dim = w.shape[0] // 3
        bq = module.q_bias if module.q_bias is not None else None
        q = F.linear(x[:, :1], w[:a_dim], bq).reshape(b, 1, h, -1).transpose(1, 2)  # [B, h, 1, dh]
        k = F.linear(x, w[a_dim : 2 * a_dim]).reshape(b, n, h, -1).transpose(1, 2)  # [B, h, N, dh]
        q, k = module.q_norm(q), module.k_norm(k)
        if rope is not None:
            npt = module.num_prefix_tokens
            k = torch.cat([k[:, :, :npt], apply_rot_embed_cat(k[:, :, npt:], rope, half=module.rotate_half)], 2)
        logits = (q.float() @ k.float().transpose(-2, -1)) * module.scale  # [B, h, 1, N]
        attn = logits.softmax(-1)[:, :, 0, self.npt :]  # patches only
        attn = attn / attn.sum(-1, keepdim=True)
        self._cap.attn = attn.mean(1)  # [B, P]

    # ---- forward ---------------------------------------------------------
    def _preprocess(self, frames) -> torch.Tensor:
        x = torch.as_tensor(np.ascontiguousarray(frames)).to(self.device, non_blocking=True)
        x = x.permute(0, 3, 1, 2).float().div_(255.0)
        if x.shape[-2:] != (self.size, self.size):
            x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", antialias=True, align_corners=False)
        x = (x - self._mean) / self._std
        return x.contiguous(memory_format=torch.channels_last)

    def _autocast(self):
        if self.device.type == "cuda":
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.cpu_bf16)

    @torch.inference_mode()
    def _forward(self, frames) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """→ tokens after norm [B, N, D] float32, attention [B, P], patch grid (gh, gw)."""
        x = self._preprocess(frames)
        with self._autocast():
            tok = self.model.forward_features(x)
        gh, gw = x.shape[-2] // 16, x.shape[-1] // 16
        return tok.float(), self._cap.attn.float(), (gh, gw)

    def _positions(self, gh: int, gw: int) -> torch.Tensor:
        ys, xs = torch.meshgrid((torch.arange(gh) + 0.5) / gh, (torch.arange(gw) + 0.5) / gw, indexing="ij")
        return torch.stack([xs.reshape(-1), ys.reshape(-1)], 1).to(self.device)  # [P, 2] (x, y)

    def _chunks(self, frames):
        for s in range(0, len(frames), self.batch_size):
            yield frames[s : s + self.batch_size]

    def encode(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A picture that recurs within ``pixels`` is run through the model once (vidfp.encoders.distinct)."""
        return encode_distinct(self._encode_all, np.asarray(pixels), chunk=self.batch_size)

    def _encode_all(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        gs, rs, cs = [], [], []
        for chunk in self._chunks(pixels):
            tok, attn, (gh, gw) = self._forward(chunk)
            cls = F.normalize(tok[:, 0], dim=-1)
            patches = tok[:, self.npt :].reshape(tok.shape[0], gh, gw, -1).permute(0, 3, 1, 2)
            reg = F.adaptive_avg_pool2d(patches, self.grid).flatten(2).transpose(1, 2)  # [B, g², D]
            reg = F.normalize(reg, dim=-1)
            cen = attn @ self._positions(gh, gw)
            gs.append(cls.cpu().numpy())
            rs.append(reg.cpu().numpy())
            cs.append(cen.clamp(0, 1).cpu().numpy())
        return (
            np.concatenate(gs).astype(np.float32),
            np.concatenate(rs).astype(np.float32),
            np.concatenate(cs).astype(np.float32),
        )

    # ---- the research prototype's API -------------------------------------
    def encode_frames(self, frames) -> np.ndarray:
        """CLS embeddings, L2-normalised: uint8 [N, H, W, 3] → float32 [N, D]."""
        return self.encode(np.asarray(frames))[0]

    def get_attention_centroids(self, frames) -> np.ndarray:
        """Attention centroid per frame: float32 [N, 2], (x, y) in [0, 1]²."""
        return self.encode(np.asarray(frames))[2]

    def get_patch_statistics(self, frames) -> dict[str, np.ndarray]:
        """Attention entropy (normalised by log P) and spatial spread per frame."""
        ent, spread = [], []
        for chunk in self._chunks(np.asarray(frames)):
            _, attn, (gh, gw) = self._forward(chunk)
            pos = self._positions(gh, gw)
            cen = attn @ pos
            h = -(attn * attn.clamp_min(1e-12).log()).sum(-1) / np.log(attn.shape[1])
            d2 = ((pos[None] - cen[:, None]) ** 2).sum(-1)
            ent.append(h.cpu().numpy())
            spread.append((attn * d2).sum(-1).sqrt().cpu().numpy())
        return {"entropy": np.concatenate(ent), "spread": np.concatenate(spread)}

    def encode_video(self, path: str, fps: float = 1.0):
        """Decode (sampled at ``fps``) and encode one file → FrameRecord with features."""
        from vidfp.config import DecodeConfig
        from vidfp.decode.reader import decode_video

        rec, _ = decode_video(path, "video", self.input_size, DecodeConfig(fps=fps))
        return rec.with_features(*self.encode(rec.pixels))
