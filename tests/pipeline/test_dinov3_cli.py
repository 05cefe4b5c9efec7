"""`vidfp ingest --encoder dinov3 --weights PATH` end to end, on a Meta-format checkpoint
of the real ViT-S/16 architecture with random weights (no download possible here)."""

import hashlib

import duckdb
import numpy as np
import pytest
import torch
from conftest import meta_state_dict

from vidfp.cli import main
from vidfp.corpus.media import write_video

pytestmark = pytest.mark.slow


def _clip(path, seed, n=24, fps=8.0, flip=False):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, (40, 60, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)  # 160×240
    frames = np.stack([np.roll(base, 6 * k, axis=1)[:112, :160] for k in range(n)])
    if flip:
        frames = frames[:, :, ::-1]
    write_video(str(path), frames, fps)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from vidfp.encoders.dinov3 import DINOv3Encoder

    torch.manual_seed(0)
    enc = DINOv3Encoder(model="vits16", random_init=True, device="cpu")
    path = tmp_path_factory.mktemp("w") / "dinov3_vits16_pretrain_lvd1689m-test.pth"
    torch.save(meta_state_dict(enc.model.state_dict()), path)
    return path


def test_ingest_with_meta_weights(tmp_path, checkpoint, capsys):
    src = tmp_path / "videos"
    src.mkdir()
    _clip(src / "a.mp4", 0)
    _clip(src / "a_flipped.mp4", 0, flip=True)
    _clip(src / "b.mp4", 1)
    (src / "broken.mp4").write_bytes(b"not a video")
    db = str(tmp_path / "cat.duckdb")
    rc = main(
        [
            "ingest",
            str(src),
            "--db",
            db,
            "--encoder",
            "dinov3",
            "--weights",
            str(checkpoint),
            "--engine",
            "local",
            "--fps",
            "2",
        ]
    )
    assert rc == 0
    con = duckdb.connect(db, read_only=True)
    rows = con.execute("SELECT status, encoder, model, weights_sha, n_frames FROM videos ORDER BY uri").fetchall()
    n_pairs = con.execute("SELECT count(*) FROM pair_scores").fetchone()[0]
    con.close()
    sha = hashlib.sha256(checkpoint.read_bytes()).hexdigest()
    ok = [r for r in rows if r[0] == "ok"]
    assert len(ok) == 3 and [r[0] for r in rows].count("failed") == 1
    assert all(r[1] == "dinov3" and r[2] == "vit_small_patch16_dinov3_qkvb" and sha.startswith(r[3][:12]) for r in ok)
    assert all(r[4] == 6 for r in ok)  # 3 s at 2 fps
    assert n_pairs >= 1
    # the same catalog refuses another encoder's fingerprints
    rc = main(["ingest", str(src), "--db", db, "--engine", "local"])
    assert rc != 0
    assert "dinov3" in capsys.readouterr().err
