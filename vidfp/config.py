"""Run configuration: one frozen dataclass per stage, one that holds them all.

Every number that changes results lives here, with its default and why, and
``IngestConfig.fingerprint_key`` hashes the part that changes *features*, so a
catalog knows when stored fingerprints are stale.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field

DEFAULT_EXTENSIONS = (".mp4", ".mkv", ".webm", ".avi", ".mov", ".m4v", ".mpg", ".mpeg", ".ts", ".wmv", ".flv")


class ConfigError(ValueError):
    """A run configuration that cannot work (e.g. --fps 0): refused before any file is touched."""


def _require(ok: bool, what: str, value: object) -> None:
    if not ok:
        raise ConfigError(f"{what}, got {value!r}")


# Version of what a shard row holds besides the encoder output (2: + camera motion, 3: block-mean camera).
FEATURE_LAYOUT = 3


@dataclass(frozen=True)
class DecodeConfig:
    """Frame sampling. 1 frame/s is the ViSiL/VSC convention; short clips want more."""

    fps: float = 1.0
    max_frames: int = 600  # cap per video; sampling stretches to cover the whole video
    chunk_frames: int = 32  # frames decoded per call, bounds memory on long videos
    timeout_s: float = 300.0  # a decode that takes longer is killed and recorded as failed
    remove_borders: bool = True  # crop letterbox/pillarbox bars (vidfp.decode.borders)


@dataclass(frozen=True)
class CandidateConfig:
    """FAISS frame-level kNN + per-pair vote aggregation (VSC22 baseline style)."""

    k_frames: int = 20  # neighbours per query frame
    max_per_video: int = 30  # candidate videos kept per query video
    min_frame_sim: float = 0.3  # neighbours below this cosine do not vote
    use_flip: bool = True  # also query with horizontally flipped descriptors
    index: str = "auto"  # auto | flat | ivf
    gpu: bool = True  # use faiss-gpu when present


@dataclass(frozen=True)
class ScoringConfig:
    """Chamfer + monotone alignment + fusion; see vidfp.similarity.scoring."""

    match_threshold: float = 0.62  # frame sims below this count against a path (unrelated ≈ 0.5)
    min_segment_s: float = 1.0  # shorter aligned runs are not reported as segments
    semantic_lo: float = 0.55  # aligned frame similarity that counts as no evidence (unrelated ≈ 0.5)
    semantic_hi: float = 0.85  # ... and as full evidence (re-encodes ≈ 0.95, 80 % crops ≈ 0.75)
    # Fusion, weights and threshold were chosen on two seeds of the bench corpus (0 and 1):
    # no hard negative clustered on either, then the fewest copies missed; README "Results".
    fusion: str = "geometric"  # geometric: sem^α · nonsem^(1−α) | linear: α·sem + (1−α)·nonsem
    alpha: float = 0.3
    duplicate_threshold: float = 0.55  # on the fused score
    min_semantic: float = 0.4  # below it, fused = min(fused, semantic): motion alone never makes a copy
    use_flip: bool = True
    # trust per non-semantic signal (multiplies the signal's own 0–1 "how much it saw")
    w_deriv: float = 0.25
    w_traj: float = 0.25
    w_motion: float = 1.0
    w_camera: float = 2.0
    camera_power: float = 3.0  # camera agreement c enters as c^p

    @property
    def signal_weights(self) -> dict[str, float]:
        return {"deriv": self.w_deriv, "traj": self.w_traj, "motion": self.w_motion, "camera": self.w_camera}


@dataclass(frozen=True)
class IngestConfig:
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    decode: DecodeConfig = field(default_factory=DecodeConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    workers: int = 2  # decode processes
    shard_videos: int = 64  # videos per Parquet shard
    # a run that would mark more than this share of the catalog's present videos missing stops
    # unchanged (unmounted disk, typo); allow_removal accepts it (vidfp.pipeline.guard)
    max_missing_share: float = 0.2
    allow_removal: bool = False
    # a video whose fingerprinting failed this many times in a row (decode timeout, CUDA OOM, ...)
    # is left alone by ingests until a rescan; fewer failures are retried by the next ingest
    max_attempts: int = 3

    def __post_init__(self) -> None:
        """Refuse values that would make every file fail or the run misbehave, up front
        (names as on the command line; the dataclass field follows in brackets)."""
        d, c, t = self.decode, self.candidates, self.scoring.duplicate_threshold
        _require(math.isfinite(d.fps) and d.fps > 0, "--fps (decode.fps) must be > 0", d.fps)
        _require(d.max_frames >= 1, "--max-frames (decode.max_frames) must be >= 1", d.max_frames)
        _require(d.timeout_s > 0, "--timeout (decode.timeout_s) must be > 0 seconds", d.timeout_s)
        _require(d.chunk_frames >= 1, "decode.chunk_frames must be >= 1", d.chunk_frames)
        _require(0 <= t <= 1, "--threshold (scoring.duplicate_threshold) must be in [0, 1]", t)
        _require(c.k_frames >= 1 and c.max_per_video >= 1, "candidates.k_frames and max_per_video must be >= 1",
                 (c.k_frames, c.max_per_video))
        _require(self.workers >= 1, "--workers must be >= 1", self.workers)
        _require(self.shard_videos >= 1, "shard_videos must be >= 1", self.shard_videos)
        _require(0 <= self.max_missing_share <= 1, "--max-missing-share must be in [0, 1]", self.max_missing_share)
        _require(self.max_attempts >= 1, "--max-attempts must be >= 1", self.max_attempts)
        _require(len(self.extensions) > 0, "extensions must not be empty", self.extensions)

    def fingerprint_key(self, encoder_key: str) -> str:
        """Hash of everything that determines stored features (encoder + sampling)."""
        payload = json.dumps({"encoder": encoder_key, "fps": self.decode.fps, "max": self.decode.max_frames,
                              "borders": self.decode.remove_borders, "layout": FEATURE_LAYOUT})
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)
