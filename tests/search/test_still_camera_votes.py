"""vidfp search's vote reaches every copy of a still camera, as the catalog's candidate stage does."""

import numpy as np

from vidfp.config import CandidateConfig
from vidfp.records import FrameRecord
from vidfp.search.frames import FrameIndex, votes_reference


def _unit(x):
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def _rec(vid, g):
    n = len(g)
    return FrameRecord(vid, np.arange(n, dtype=float), np.arange(n)).with_features(
        g, np.repeat(g[:, None], 4, 1), np.full((n, 2), 0.5)
    )


def test_a_still_camera_query_reaches_every_copy(rng):
    """A still camera's 14 catalog copies, 30 frames each, every copy's frames closer to each other than
    to any other copy's: the 20 nearest frames of a query frame belong to one copy.  The vote counts
    videos, searching deeper where needed, so it names all 14 (and equals the brute-force reference)."""
    scene = _unit(rng.normal(size=64))
    copies = {f"c{j:02d}": _unit(scene + rng.normal(0, 0.05, 64) + rng.normal(0, 0.005, (30, 64))) for j in range(14)}
    others = {f"z{j}": _unit(rng.normal(size=(30, 64))) for j in range(3)}
    catalog = {v: _rec(v, g) for v, g in {**copies, **others}.items()}
    ids = sorted(catalog)
    x = np.concatenate([catalog[v].global_vecs for v in ids])
    owner = np.concatenate([np.full(30, i) for i in range(len(ids))])
    cfg = CandidateConfig(k_frames=20, max_per_video=30, min_frame_sim=0.5, use_flip=False, gpu=False)
    query = _rec("q", _unit(scene + rng.normal(0, 0.05, 64) + rng.normal(0, 0.005, (24, 64))))
    got = dict(FrameIndex(ids, owner, x, cfg).votes(query))
    ref = votes_reference(query, catalog, cfg)
    assert set(got) == set(ref) == set(copies)
    for v, s in ref.items():
        assert abs(got[v] - s) < 1e-4
