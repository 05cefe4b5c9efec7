"""DINOv3 model names, importable without torch (the CLI's preflight checks them before any heavy import).

``--model`` short names map to timm's ``*_qkvb`` variants, which keep Meta's q/v biases so a
Meta ``.pth`` loads exactly; the ungated weights live on the Hugging Face Hub as
``timm/<timm name>.<tag>``.
"""

from __future__ import annotations

MODELS = {
    "vits16": "vit_small_patch16_dinov3_qkvb",
    "vits16plus": "vit_small_plus_patch16_dinov3_qkvb",
    "vitb16": "vit_base_patch16_dinov3_qkvb",
    "vitl16": "vit_large_patch16_dinov3_qkvb",
}
DEFAULT_TAG = "lvd1689m"


def timm_name(model: str) -> str:
    """timm architecture name for a ``--model`` value (a timm name passes through)."""
    return MODELS.get(model, model)


def hub_repo(model: str, tag: str = DEFAULT_TAG) -> str:
    return f"timm/{timm_name(model)}.{tag}"
