"""Where DINOv3 weights come from, in order:

1. an explicit local file: Meta's ``.pth`` (e.g. ``dinov3_vits16_pretrain_lvd1689m-08c60483.pth``,
   converted by timm's ``checkpoint_filter_fn``) or a timm ``.safetensors``/``.pth``;
2. the Hugging Face Hub cache for the ungated ``timm/<model>.lvd1689m`` copies
   (downloaded only when not offline: ``HF_HUB_OFFLINE=1`` is honoured);
3. nothing: :class:`WeightsNotFound` names the three ways to provide them.
"""

from __future__ import annotations

import hashlib
import logging
import os

import torch

log = logging.getLogger(__name__)

DEFAULT_TAG = "lvd1689m"


class WeightsNotFound(FileNotFoundError):
    pass


def file_sha256(path: str, n: int = 12) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(8 << 20):
            h.update(chunk)
    return h.hexdigest()[:n]


def load_state_dict_file(path: str) -> dict[str, torch.Tensor]:
    if not os.path.isfile(path):
        raise WeightsNotFound(f"weights file not found: {path}")
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file

        sd = load_file(path)
    else:
        sd = torch.load(path, map_location="cpu", weights_only=True)
        for key in ("model", "state_dict", "teacher"):
            if isinstance(sd, dict) and key in sd and isinstance(sd[key], dict):
                sd = sd[key]
    return sd


def is_meta_format(sd: dict[str, torch.Tensor]) -> bool:
    """Meta's DINOv3 checkpoints name registers ``storage_tokens`` and fuse the qkv bias."""
    return "storage_tokens" in sd


def to_timm_state_dict(sd: dict[str, torch.Tensor], model: torch.nn.Module) -> dict[str, torch.Tensor]:
    if is_meta_format(sd):
        from timm.models.eva import checkpoint_filter_fn

        kb = [k for k in sd if k.endswith("attn.qkv.bias")]
        if kb and getattr(model.blocks[0].attn, "q_bias", None) is None:
            nonzero = any(float(sd[k].abs().max()) > 0 for k in kb)
            if nonzero:
                raise ValueError("checkpoint has non-zero q/v biases but the model has none: use the *_qkvb variant")
        return checkpoint_filter_fn(sd, model)
    return sd


def hub_weights_path(model_name: str, tag: str = DEFAULT_TAG) -> str | None:
    """Path of the cached timm Hub safetensors, downloading only when online."""
    try:
        from huggingface_hub import hf_hub_download, try_to_load_from_cache
    except ImportError:
        return None
    repo = f"timm/{model_name}.{tag}"
    cached = try_to_load_from_cache(repo_id=repo, filename="model.safetensors")
    if isinstance(cached, str):
        return cached
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False"):
        return None
    try:
        return hf_hub_download(repo_id=repo, filename="model.safetensors")
    except Exception as e:  # noqa: BLE001 - no network, gated, missing
        log.info("hub download of %s failed: %s", repo, e)
        return None


def missing_weights_message(model_name: str, tag: str = DEFAULT_TAG) -> str:
    return (
        f"no weights for DINOv3 model {model_name!r}. Provide them in one of three ways:\n"
        "  1. --weights PATH to Meta's .pth (e.g. dinov3_vits16_pretrain_lvd1689m-08c60483.pth)"
        " or a timm .safetensors;\n"
        f"  2. put the ungated copy in the Hugging Face cache: `huggingface-cli download timm/{model_name}.{tag}` "
        f"on a machine with network, then copy ~/.cache/huggingface (HF_HOME) here;\n"
        f"  3. allow the download: unset HF_HUB_OFFLINE on a machine that reaches the Hub.\n"
        f"Or run offline with the weight-free encoder: --encoder baseline."
    )
