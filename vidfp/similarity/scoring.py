"""Score a candidate pair: Chamfer → monotone alignment → semantic and
non-semantic components → fused similarity and matched segments.

Components (all in [0, 1], all stored as ``pair_scores`` columns):

- ``frame_sim``: mean Chamfer similarity along the best path.
- ``semantic``: clip((frame_sim − lo) / (hi − lo), 0, 1) · min(1, L / L₀), with lo, hi
  (and the path threshold τ) placed from the catalog's own background
  (vidfp.similarity.calibration): where
  the aligned frames sit between "unrelated" (lo) and "clearly the same" (hi),
  discounted for paths shorter than L₀ seconds (a few similar frames are not
  a copy).  The path itself uses the match threshold τ (frames below τ cost).
- ``deriv``: multi-scale temporal-derivative agreement along the path.
- ``traj``: centroid-velocity correlation along the path (mirror-aware).
- ``motion``: region-flow motion correlation along the path (vidfp.fingerprints.motion).
- ``camera``: camera-motion correlation along the path, over 2 s stretches of content
  (vidfp.fingerprints.camera_compare.compare_camera_lagged); optionally disattenuated by how well each
  video's track survives another sampling phase (``camera_reliability_floor``, off by default),
  the strongest "same path?" signal: scale- and speed-invariant, mirror-aware.
- ``activity``: correlation of how much the picture changes, and when, along the path
  (vidfp.fingerprints.activity): what tells a still camera's copy from the same place at another
  moment.  With a moving camera the activity follows the camera's pace, which another path can
  share, so it confirms a copy only in proportion to how still the camera is, and otherwise may
  only veto (vidfp.similarity.fusion.blend_nonsemantic).  "Still" counts only confident camera
  estimates: subjects crossing a fixed shot move the picture, not the camera
  (vidfp.fingerprints.camera_compare.camera_moving).
- ``nonsemantic``: weight-averaged deriv/traj/motion/camera/activity (weights = how much change
  or motion they saw × a per-signal trust); with no information it equals ``semantic``.
- ``similarity``: a fusion of the two (vidfp.similarity.fusion).  The default
  :class:`VetoFusion`, min(semantic, semantic^α · nonsemantic^(1−α)), lets motion and
  order confirm or veto appearance but never promote it: the same camera move through
  another place scores no higher than its appearance, and a same-place pair on another
  path is pulled down.  Geometric and linear fusions are kept as options.
- ``coverage``: the share of the shorter video the segments cover; a pair above the
  threshold is ``is_duplicate`` when coverage ≥ ``min_coverage``, else ``is_partial``.

Both orientations of B are tried when ``use_flip`` (B's features mirrored
by the encoder's exact or approximate map) and the better one is kept.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from vidfp.config import ScoringConfig
from vidfp.fingerprints.activity import ActivityTimeCourse
from vidfp.fingerprints.camera import mirror as mirror_camera
from vidfp.fingerprints.camera_compare import camera_moving, compare_camera, compare_camera_lagged
from vidfp.fingerprints.motion import RegionFlowMotion
from vidfp.fingerprints.temporal import MultiScaleDerivativeFingerprint
from vidfp.fingerprints.trajectory import TrajectoryFingerprint, TrajectoryFP, TrajectoryMemo
from vidfp.records import FrameRecord
from vidfp.similarity.alignment import AlignedPath, align
from vidfp.similarity.calibration import Calibration
from vidfp.similarity.chamfer import chamfer_matrix
from vidfp.similarity.fusion import FUSIONS, Fusion
from vidfp.similarity.segments import path_line, run_bounds, sample_step

# The weight-free baseline's background (bench family A), for callers that pass no calibration.
DEFAULT_CALIBRATION = Calibration(0.478, 0.096)

FlipFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Segment:
    a_start_s: float
    a_end_s: float
    b_start_s: float
    b_end_s: float
    score: float
    # the aligned path's line, t_b ≈ offset + rate · t_a (a long-baseline Theil–Sen fit: path_line);
    # None where unknown (a segment read back from the catalog): then the bounds' diagonal
    rate: float = 1.0
    offset: float | None = None


@dataclass(frozen=True)
class PairResult:
    video_a: str
    video_b: str
    similarity: float
    is_duplicate: bool
    semantic: float = 0.0
    nonsemantic: float = 0.0
    frame_sim: float = 0.0
    deriv: float = 0.0
    traj: float = 0.0
    motion: float = 0.0
    camera: float = 0.0
    activity: float = 0.0
    path_frames: int = 0
    coverage: float = 0.0
    is_partial: bool = False
    flipped: bool = False
    segments: tuple[Segment, ...] = field(default_factory=tuple)


class Aligner(ABC):
    @abstractmethod
    def align(self, sim: np.ndarray) -> list[AlignedPath]: ...


class MonotoneLocalAligner(Aligner):
    def __init__(self, tau: float, max_paths: int = 3, trim: float = 0.0):
        self.tau, self.max_paths, self.trim = tau, max_paths, trim

    def align(self, sim: np.ndarray) -> list[AlignedPath]:
        return align(sim, self.tau, self.max_paths, trim=self.trim)


def record_duration(r: FrameRecord) -> float:
    """The video's length in seconds: the container's, else the samples' span plus one step."""
    d = r.meta.get("duration_s")
    return float(d) if d else float(r.t_s[-1] - r.t_s[0]) + sample_step(r.t_s)


def _union_len(iv: list[tuple[float, float]]) -> float:
    total, end = 0.0, -np.inf
    for s, e in sorted(iv):
        if e > end:
            total += e - max(s, end)
            end = e
    return total


def coverage(segs: list[Segment], dur_a: float, dur_b: float) -> float:
    """Share of the *shorter* video that the matched segments cover, in [0, 1].

    A duplicate (re-encode, crop, speed change, a sub-clip of the other video)
    covers most of the shorter video; a partial copy (a few seconds of one inside
    another) covers a small share of both and stays a pair relation
    (``partial_copies``), never a cluster edge.
    """
    if not segs:
        return 0.0
    cov_a = _union_len([(s.a_start_s, s.a_end_s) for s in segs]) / max(dur_a, 1e-9)
    cov_b = _union_len([(s.b_start_s, s.b_end_s) for s in segs]) / max(dur_b, 1e-9)
    return float(min(1.0, cov_a if dur_a <= dur_b else cov_b))


class PairScorer:
    """Scores candidate pairs; ``calibration`` places the frame-similarity thresholds
    (τ, lo, hi) for this catalog's encoder (vidfp.similarity.calibration)."""

    def __init__(
        self,
        cfg: ScoringConfig,
        flip: FlipFn | None = None,
        aligner: Aligner | None = None,
        fusion: Fusion | None = None,
        min_path_s: float | None = None,
        positions: np.ndarray | None = None,
        calibration: Calibration | None = None,
    ):
        self.cfg = cfg
        self.flip = flip
        self.calibration = calibration or DEFAULT_CALIBRATION
        self.tau = self.calibration.at(cfg.tau_z)
        self.lo, self.hi = self.calibration.at(cfg.lo_z), self.calibration.toward_one(cfg.hi_frac)
        self.aligner = aligner or MonotoneLocalAligner(self.tau, cfg.max_paths, cfg.path_trim)
        self.fusion = fusion or FUSIONS[cfg.fusion](cfg.alpha, cfg.min_semantic)
        self.min_path_s = cfg.min_path_s if min_path_s is None else min_path_s
        self.derivs = MultiScaleDerivativeFingerprint(window_sizes=cfg.deriv_windows_s)
        self.traj = TrajectoryFingerprint(smooth_s=cfg.traj_smooth_s, min_speed=cfg.traj_min_speed)
        self.motion = (
            RegionFlowMotion(positions, lags_s=cfg.motion_lags_s, min_motion=cfg.motion_min)
            if positions is not None
            else None
        )
        self._traj_memo = TrajectoryMemo(self.traj)  # a video takes part in many pairs
        self.activity = ActivityTimeCourse(
            cfg.activity_lags_s, *cfg.activity_cv, cfg.activity_min_steps, *cfg.activity_level
        )

    def semantic(self, frame_sim: float, path_s: float) -> float:
        """clip((frame_sim − lo) / (hi − lo), 0, 1) · min(1, path_s / L₀)."""
        lo, hi = self.lo, self.hi
        return float(np.clip((frame_sim - lo) / max(hi - lo, 1e-6), 0, 1) * min(1.0, path_s / self.min_path_s))

    def _trajectory(self, r: FrameRecord, flipped: bool) -> TrajectoryFP:
        """The centroid trajectory of ``r``, mirrored when ``flipped`` (TrajectoryMemo)."""
        return self._traj_memo.get(r.centroids, r.t_s, flipped)

    def _orientations(self, b: FrameRecord):
        cam = b.camera if b.camera is not None else np.zeros((b.n_frames, 3), np.float32)
        yield False, b.global_vecs, b.region_vecs, cam
        if self.cfg.use_flip and self.flip is not None:
            g, r = self.flip(b.global_vecs, b.region_vecs)
            yield True, g, r, mirror_camera(cam)

    def score(self, a: FrameRecord, b: FrameRecord) -> PairResult:
        if not (a.has_features and b.has_features):
            raise ValueError("both records need features")
        if a.video_id > b.video_id:
            a, b = b, a
        best = None
        for flipped, gb, rb, vb in self._orientations(b):
            sim = chamfer_matrix(a.region_vecs, rb)
            paths = self.aligner.align(sim)
            if paths and (best is None or paths[0].score > best[1][0].score):
                best = (flipped, paths, sim, gb, rb, vb)
        if best is None:
            return PairResult(a.video_id, b.video_id, 0.0, False)
        flipped, paths, sim, gb, rb, vb = best
        p = paths[0]
        frame_sim = float(sim[p.i, p.j].mean())
        dur = float(a.t_s[p.i[-1]] - a.t_s[p.i[0]]) + sample_step(a.t_s)
        semantic = self.semantic(frame_sim, dur)
        deriv, w_d = self.derivs.compare_aligned(a.global_vecs, gb, a.t_s, p.i, p.j)
        ta, tb = self._trajectory(a, False), self._trajectory(b, flipped)
        traj, w_t, _ = self.traj.compare_aligned(ta, tb, p.i, p.j)
        w = self.cfg.signal_weights
        # one part per signal, in the order of vidfp.eval.ablation.SIGNALS; a signal that cannot be
        # measured (no region positions, no camera track) has weight 0 and changes nothing
        motion, w_m = 0.0, 0.0
        if self.motion is not None:
            motion, w_m = self.motion.compare_aligned(a.region_vecs, rb, a.t_s, p.i, p.j)
        camera, w_c = 0.0, 0.0
        if a.camera is not None and b.camera is not None:
            cam_args = (self.cfg.camera_min_speed, self.cfg.camera_min_peak)
            if self.cfg.camera_lags_s:
                floor = self.cfg.camera_reliability_floor  # None (default): not disattenuated
                lagged = (a.t_s, b.t_s, p.i, p.j, self.cfg.camera_lags_s, *cam_args, floor)
                camera, w_c = compare_camera_lagged(a.camera, vb, *lagged)
            else:
                camera, w_c = compare_camera(a.camera, vb, p.i, p.j, *cam_args)
        parts = [
            (deriv, w["deriv"] * w_d),
            (traj, w["traj"] * w_t),
            (motion, w["motion"] * w_m),
            # a copy's camera tracks agree almost perfectly; partial agreement (two paths
            # that cross, the same wave) is pushed down by the power
            (camera**self.cfg.camera_power, w["camera"] * w_c),
        ]
        activity, w_a = self.activity.compare_aligned(a.region_vecs, rb, a.t_s, p.i, p.j)
        # it confirms as far as the camera is still; unknown camera motion counts as moving
        still = 0.0
        if a.camera is not None and b.camera is not None:
            still = 1.0 - camera_moving(a.camera, vb, p.i, p.j, self.cfg.camera_min_speed, self.cfg.camera_min_peak)
        parts.append((activity, w["activity"] * w_a, still))
        nonsem, fused = self.fusion.fuse(semantic, parts)
        segs = []
        for q in paths:
            seg = self._segment(a, b, q, sim)
            if seg.a_end_s - seg.a_start_s >= self.cfg.min_segment_s:
                segs.append(seg)
        cov = coverage(segs, record_duration(a), record_duration(b))
        linked = fused >= self.cfg.duplicate_threshold
        full = linked and cov >= self.cfg.min_coverage
        return PairResult(
            a.video_id,
            b.video_id,
            round(float(fused), 6),
            bool(full),
            coverage=round(cov, 6),
            is_partial=bool(linked and not full),
            semantic=round(semantic, 6),
            nonsemantic=round(nonsem, 6),
            frame_sim=round(frame_sim, 6),
            deriv=round(deriv, 6),
            traj=round(traj, 6),
            motion=round(motion, 6),
            camera=round(camera, 6),
            activity=round(activity, 6),
            path_frames=len(p),
            flipped=flipped,
            segments=tuple(sorted(segs, key=lambda s: s.a_start_s)),
        )

    @staticmethod
    def _segment(a: FrameRecord, b: FrameRecord, p: AlignedPath, sim: np.ndarray) -> Segment:
        """Seconds the path stands for in each video (:func:`run_bounds`)."""
        a0, a1 = run_bounds(a.t_s, int(p.i[0]), int(p.i[-1]), a.meta.get("duration_s"))
        b0, b1 = run_bounds(b.t_s, int(p.j[0]), int(p.j[-1]), b.meta.get("duration_s"))
        rate, offset = path_line(a.t_s[p.i], b.t_s[p.j])
        return Segment(a0, a1, b0, b1, round(float(sim[p.i, p.j].mean()), 6), rate, offset)
