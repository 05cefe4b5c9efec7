import numpy as np
import pytest

from vidfp.records import FrameRecord, RecordShapeError


def test_valid_record_and_with_features_drops_pixels():
    r = FrameRecord("v", np.array([0.0, 0.5]), np.array([0, 12]), pixels=np.zeros((2, 4, 4, 3), np.uint8))
    f = r.with_features(np.zeros((2, 8)), np.zeros((2, 9, 8)), np.full((2, 2), 0.5))
    assert f.pixels is None and f.has_features and f.global_vecs.dtype == np.float32


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(t_s=np.array([0.0, 0.0]), frame_idx=np.array([0, 1])),  # not increasing
        dict(t_s=np.array([0.0, 1.0]), frame_idx=np.array([0])),  # length mismatch
        dict(t_s=np.array([0.0, 1.0]), frame_idx=np.array([0, 1]), pixels=np.zeros((2, 4, 4, 3), np.float32)),
        dict(
            t_s=np.array([0.0]),
            frame_idx=np.array([0]),
            global_vecs=np.zeros((1, 4)),
            region_vecs=np.zeros((2, 9, 4)),
            centroids=np.zeros((1, 2)),
        ),
        dict(
            t_s=np.array([0.0]),
            frame_idx=np.array([0]),
            global_vecs=np.zeros((1, 4)),
            region_vecs=np.zeros((1, 9, 4)),
            centroids=np.full((1, 2), 1.5),
        ),
        dict(t_s=np.array([0.0]), frame_idx=np.array([0]), global_vecs=np.zeros((1, 4))),
    ],
)
def test_bad_shapes_rejected(kwargs):
    with pytest.raises(RecordShapeError):
        FrameRecord("v", **kwargs)
