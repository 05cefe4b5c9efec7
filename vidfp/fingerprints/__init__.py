"""Non-semantic fingerprints: how content *moves*, not what it shows."""

from vidfp.fingerprints.dtw import DTWTrajectoryMatcher, dtw_distance, dtw_distance_reference
from vidfp.fingerprints.temporal import MultiScaleDerivativeFingerprint, TemporalDerivativeFingerprint
from vidfp.fingerprints.trajectory import TrajectoryFingerprint

__all__ = [
    "DTWTrajectoryMatcher",
    "MultiScaleDerivativeFingerprint",
    "TemporalDerivativeFingerprint",
    "TrajectoryFingerprint",
    "dtw_distance",
    "dtw_distance_reference",
]
