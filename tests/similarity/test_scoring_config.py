"""Every scoring number lives in ScoringConfig, reaches the scorer and is recorded with the run."""

import json
from dataclasses import replace

import numpy as np

from vidfp.config import IngestConfig, ScoringConfig
from vidfp.similarity.calibration import Calibration
from vidfp.similarity.fusion import VetoFusion
from vidfp.similarity.scoring import PairScorer


def test_signal_numbers_reach_the_scorer():
    cfg = replace(
        ScoringConfig(),
        min_path_s=7.0,
        max_paths=1,
        deriv_windows_s=(1.0, 3.0),
        traj_smooth_s=0.9,
        traj_min_speed=0.2,
        motion_lags_s=(0.5,),
        motion_min=0.3,
        camera_min_speed=0.11,
        activity_lags_s=(2.0,),
        activity_cv=(0.1, 0.7),
        activity_min_steps=5,
        activity_level=(0.02, 0.04),
    )
    sc = PairScorer(cfg, positions=np.zeros((9, 2), np.float32), calibration=Calibration(0.4, 0.1))
    assert sc.min_path_s == 7.0 and sc.aligner.max_paths == 1
    assert tuple(sc.derivs.window_sizes) == (1.0, 3.0)
    assert sc.traj.smooth_s == 0.9 and sc.traj.min_speed == 0.2
    assert tuple(sc.motion.lags_s) == (0.5,) and sc.motion.min_motion == 0.3
    act = sc.activity
    assert act.lags_s == (2.0,) and (act.cv_lo, act.cv_hi, act.min_steps) == (0.1, 0.7, 5)
    assert (act.level_lo, act.level_hi) == (0.02, 0.04)
    assert abs(sc.tau - (0.4 + cfg.tau_z * 0.1)) < 1e-9 and abs(sc.hi - (0.4 + cfg.hi_frac * 0.6)) < 1e-9


def test_run_config_records_the_scoring_numbers():
    rec = json.loads(IngestConfig().to_json())["scoring"]
    for k in (
        "tau_z",
        "lo_z",
        "hi_frac",
        "alpha",
        "duplicate_threshold",
        "min_coverage",
        "camera_min_speed",
        "motion_lags_s",
        "deriv_windows_s",
        "min_path_s",
        "max_paths",
        "w_activity",
        "activity_level",
    ):
        assert k in rec


def test_veto_fusion_never_promotes():
    f = VetoFusion(0.5, 0.4)
    rng = np.random.default_rng(0)
    for sem, ns in rng.uniform(0, 1, (200, 2)):
        _, fused = f.fuse(float(sem), [(float(ns), 1.0)])
        assert fused <= sem + 1e-12
    # identical motion (agreement 1) through different content: no lift above the appearance score
    assert f.fuse(0.3, [(1.0, 5.0)])[1] == 0.3
    # disagreeing motion vetoes a strong appearance match
    assert f.fuse(0.9, [(0.1, 1.0)])[1] < 0.35
