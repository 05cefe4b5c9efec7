"""The SSCD encoder on the CPU embeds inside the decode job processes (pipeline.extract)."""

import numpy as np

from tests.conftest import write_test_video
from vidfp.config import DecodeConfig
from vidfp.decode.reader import decode_video
from vidfp.discover import VideoFile
from vidfp.encoders import get_encoder
from vidfp.encoders.sscd import SSCDEncoder
from vidfp.pipeline.extract import extract_videos
from vidfp.pipeline.plan import PlannedFile
from vidfp.store.shards import read_shard


def _planned(p, vid: str) -> PlannedFile:
    return PlannedFile(VideoFile(str(p), p.stat().st_size, None, "file"), vid, None, True)


def test_jobs_embed_and_the_features_equal_embedding_here(tmp_path, monkeypatch):
    paths = []
    for k, fps in enumerate((12.0, 25.0, 7.5)):
        p = tmp_path / f"v{k}.mp4"
        write_test_video(p, n=30, fps=fps, size=(64, 96))
        paths.append(p)
    enc = get_encoder("sscd-distilled")
    cfg = DecodeConfig(fps=2.0)
    want = {}
    for k, p in enumerate(paths):  # the reference: decode, then embed in this process
        rec, _ = decode_video(str(p), f"v{k}", enc.input_size, cfg)
        want[f"v{k}"] = rec.with_features(*enc.encode(rec.pixels))
    planned = [_planned(p, f"v{k}") for k, p in enumerate(paths)]
    calls = []
    monkeypatch.setattr(SSCDEncoder, "worker_copy", lambda self, w: calls.append(w) or self)

    def here(self, pixels):  # only the job processes (forkserver children, unpatched) may embed
        raise AssertionError("embedded in the main process")

    monkeypatch.setattr(SSCDEncoder, "encode", here)
    out = list(extract_videos(planned, enc, cfg, str(tmp_path / "shards"), workers=2))
    assert calls == [2]
    assert [o["status"] for o in out] == ["ok"] * 3, [o.get("error") for o in out]
    got = {r.video_id: r for r in read_shard(out[0]["shard_uri"])}
    assert sorted(got) == sorted(want)
    for vid, w in want.items():
        np.testing.assert_array_equal(got[vid].t_s, w.t_s)
        np.testing.assert_array_equal(got[vid].region_vecs, w.region_vecs)
        np.testing.assert_array_equal(got[vid].global_vecs, w.global_vecs)
        np.testing.assert_array_equal(got[vid].centroids, w.centroids)


def test_a_cuda_encoder_embeds_in_the_main_process(tmp_path, monkeypatch):
    import vidfp.encoders.sscd as sscd

    p = tmp_path / "v.mp4"
    write_test_video(p, n=12, fps=12.0)
    monkeypatch.setattr(sscd, "providers_for", lambda device: ["CUDAExecutionProvider", "CPUExecutionProvider"])
    enc = get_encoder("sscd-distilled")
    monkeypatch.setattr(sscd, "providers_for", lambda device: ["CPUExecutionProvider"])  # run it on the CPU here
    assert not enc.runs_in_worker
    seen = []
    real = SSCDEncoder.encode
    monkeypatch.setattr(SSCDEncoder, "encode", lambda self, px: seen.append(len(px)) or real(self, px))
    planned = [_planned(p, "v")]
    out = list(extract_videos(planned, enc, DecodeConfig(fps=2.0), str(tmp_path / "shards"), workers=2))
    assert out[0]["status"] == "ok" and seen == [out[0]["n_frames"]]


def test_in_process_mode_embeds_here_too(tmp_path):
    """workers=0 runs the jobs in this process (isolation's in-process mode): the features are the same."""
    p = tmp_path / "v.mp4"
    write_test_video(p, n=24, fps=24.0)
    enc = get_encoder("sscd-distilled")
    planned = [_planned(p, "v")]
    out = list(extract_videos(planned, enc, DecodeConfig(fps=2.0), str(tmp_path / "shards"), workers=0))
    rec = read_shard(out[0]["shard_uri"])[0]
    ref, _ = decode_video(str(p), "v", enc.input_size, DecodeConfig(fps=2.0))
    np.testing.assert_array_equal(rec.region_vecs, enc.encode(ref.pixels)[1])
