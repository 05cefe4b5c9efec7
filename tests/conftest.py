import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def write_test_video(path, n=40, fps=30.0, size=(48, 64), pts_s=None, codec="libx264"):
    """A video whose frame k has mean intensity 6·k (frames identifiable after decoding)."""
    from vidfp.corpus.media import write_video

    h, w = size
    yy, xx = np.mgrid[0:h, 0:w]
    frames = np.stack([np.clip(((xx + 3 * k) % w) * 2 + k * 3, 0, 255).astype(np.uint8) for k in range(n)])
    frames = np.repeat(frames[..., None], 3, axis=3)
    write_video(str(path), frames, fps, codec=codec, crf=10, pts_s=pts_s)
    return frames


def write_pan_and_copy(src, copy_span: tuple[int, int] = (4, 32)) -> str:
    """Folder ``src`` with a 3-s texture pan ``a.mp4`` (36 frames at 12 frames/s) and the re-encoded
    sub-clip ``a_copy.mp4`` of its frames ``copy_span``: one copy pair."""
    from vidfp.corpus.media import write_video

    os.makedirs(src, exist_ok=True)
    rng = np.random.default_rng(0)
    tex = rng.integers(0, 255, (16, 24, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
    frames = np.stack([np.roll(tex, 3 * t, axis=1) for t in range(36)])
    write_video(os.path.join(src, "a.mp4"), frames, 12.0)
    write_video(os.path.join(src, "a_copy.mp4"), frames[slice(*copy_span)], 12.0, crf=35)
    return str(src)


def meta_state_dict(sd: dict) -> dict:
    """A timm DINOv3 (*_qkvb) state_dict under Meta's reference key names (as in their .pth files)."""
    import torch

    meta = {}
    for k, v in sd.items():
        if k.endswith("attn.q_bias"):
            meta[k.replace("q_bias", "qkv.bias")] = torch.cat(
                [v, torch.zeros_like(v), sd[k.replace("q_bias", "v_bias")]]
            )
            continue
        if k.endswith(("attn.v_bias", "attn.k_bias")) or "rope" in k:
            continue
        k2 = k.replace("gamma_1", "ls1.gamma").replace("gamma_2", "ls2.gamma").replace("reg_token", "storage_tokens")
        meta[k2] = v.clone()
    meta["mask_token"] = torch.zeros(1, sd["cls_token"].shape[-1])
    return meta
