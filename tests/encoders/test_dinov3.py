"""DINOv3 encoder on a tiny randomly initialised model of the real architecture
(ViT with 4 register tokens and RoPE, timm's *_qkvb variant)."""

import numpy as np
import pytest
import torch
from conftest import meta_state_dict

from vidfp.encoders.dinov3 import DINOv3Encoder
from vidfp.encoders.weights import WeightsNotFound

TINY = dict(embed_dim=64, depth=2, num_heads=2)


def tiny(**kw):
    torch.manual_seed(0)
    return DINOv3Encoder(random_init=True, size=64, device="cpu", model_kwargs=TINY, **kw)


@pytest.fixture(scope="module")
def enc():
    e = tiny()
    with torch.no_grad():  # non-zero q/v biases so the bias path is exercised
        for blk in e.model.blocks:
            blk.attn.q_bias.normal_(0, 0.5)
            blk.attn.v_bias.normal_(0, 0.5)
    return e


def frames(n, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(n, 64, 64, 3), dtype=np.uint8)


def full_attention_centroid(e, x):
    """Reference: the whole non-fused attention matrix of the last block."""
    m = e.model
    captured = {}

    def hook(mod, args, kwargs):
        captured["x"], captured["rope"] = args[0], kwargs.get("rope")

    h = m.blocks[-1].attn.register_forward_pre_hook(hook, with_kwargs=True)
    with torch.no_grad():
        m.forward_features(e._preprocess(x))
    h.remove()
    return _reference(e, captured)


@torch.no_grad()
def _reference(e, captured):
    from timm.layers import apply_rot_embed_cat

    attn_mod = e.model.blocks[-1].attn
    xx, rope = captured["x"], captured["rope"]
    b, n, c = xx.shape
    bias = torch.cat([attn_mod.q_bias, attn_mod.k_bias, attn_mod.v_bias])
    qkv = torch.nn.functional.linear(xx, attn_mod.qkv.weight, bias).reshape(b, n, 3, attn_mod.num_heads, -1)
    q, k, _ = qkv.permute(2, 0, 3, 1, 4).unbind(0)
    npt = attn_mod.num_prefix_tokens
    q = torch.cat([q[:, :, :npt], apply_rot_embed_cat(q[:, :, npt:], rope, half=attn_mod.rotate_half)], 2)
    k = torch.cat([k[:, :, :npt], apply_rot_embed_cat(k[:, :, npt:], rope, half=attn_mod.rotate_half)], 2)
    a = ((q @ k.transpose(-2, -1)) * attn_mod.scale).softmax(-1)  # [B, h, N, N]
    p = a[:, :, 0, e.npt :]
    p = (p / p.sum(-1, keepdim=True)).mean(1)
    gh = gw = 64 // 16
    return (p @ e._positions(gh, gw)).numpy()


def test_model_has_registers_and_rope(enc):
    assert enc.npt == 5 and enc.model.rope is not None


def test_hook_centroid_equals_full_attention(enc):
    x = frames(3)
    np.testing.assert_allclose(enc.get_attention_centroids(x), full_attention_centroid(enc, x), atol=1e-5)


def test_batch_of_one_equals_batch_of_32(enc):
    x = frames(32, seed=1)
    enc.batch_size = 32
    g32, r32, c32 = enc.encode(x)
    enc.batch_size = 1
    g1, r1, c1 = enc.encode(x)
    enc.batch_size = 64
    for a, b in ((g32, g1), (r32, r1), (c32, c1)):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert g32.shape == (32, 64) and r32.shape == (32, 9, 64) and c32.shape == (32, 2)


def test_repeated_frames_run_through_the_model_once(enc, monkeypatch):
    x = frames(6, seed=2)
    order = [0, 1, 1, 2, 0, 3, 4, 5, 5, 5]  # 6 distinct frames, repeats near and far
    reference = enc.encode(x)
    seen = []
    forward = enc._forward
    monkeypatch.setattr(enc, "_forward", lambda chunk: seen.append(len(chunk)) or forward(chunk))
    out = enc.encode(x[order])
    assert sum(seen) == 6
    for a, ref in zip(out, reference):
        np.testing.assert_allclose(a, ref[order], atol=1e-5)


def test_meta_pth_loads_like_native(enc, tmp_path):
    """Save the weights under Meta's key names; the .pth path must give identical outputs."""
    meta = meta_state_dict(enc.model.state_dict())
    path = tmp_path / "dinov3_tiny_pretrain.pth"
    torch.save(meta, path)
    loaded = DINOv3Encoder(weights_path=str(path), size=64, device="cpu", model_kwargs=TINY)
    x = frames(4, seed=2)
    for a, b in zip(enc.encode(x), loaded.encode(x)):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert loaded.weights_sha != "random" and loaded.info()["model"] == "vit_small_patch16_dinov3_qkvb"


def test_missing_weights_error_names_three_ways(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(WeightsNotFound) as e:
        DINOv3Encoder(size=64, device="cpu", model_kwargs=TINY)
    msg = str(e.value)
    assert "--weights" in msg and "huggingface-cli download timm/" in msg and "HF_HUB_OFFLINE" in msg


def test_patch_statistics(enc):
    s = enc.get_patch_statistics(frames(2))
    assert s["entropy"].shape == (2,) and np.all((s["entropy"] > 0) & (s["entropy"] <= 1 + 1e-6))
    assert np.all(s["spread"] > 0)
