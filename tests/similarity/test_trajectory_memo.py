"""A scorer computes each video's centroid trajectory once per orientation (PairScorer._trajectory,
vidfp.fingerprints.trajectory.TrajectoryMemo): the scores are those of a scorer that computes them afresh
for every pair."""

import numpy as np

from tests.pipeline.test_score_pool import _pairs, _records
from vidfp.config import ScoringConfig
from vidfp.fingerprints import trajectory
from vidfp.records import FrameRecord
from vidfp.similarity.scoring import PairScorer


def _flip(g, r):
    return g, r[:, ::-1]


def _with_mirrored_copies(recs):
    """Every third video's regions reversed, so some pairs score best with B mirrored."""
    out = {}
    for k, (vid, r) in enumerate(sorted(recs.items())):
        regions = r.region_vecs[:, ::-1] if k % 3 == 0 else r.region_vecs
        out[vid] = FrameRecord(vid, r.t_s, r.frame_idx).with_features(r.global_vecs, regions, r.centroids)
    return out


def test_memo_gives_the_scores_of_fresh_scorers(monkeypatch):
    recs = _with_mirrored_copies(_records(10, seed=3))
    pairs = _pairs(recs)
    fresh = [PairScorer(ScoringConfig(), flip=_flip).score(recs[c.video_a], recs[c.video_b]) for c in pairs]
    assert any(r.flipped for r in fresh) and any(not r.flipped for r in fresh)
    assert any(r.traj > 0 for r in fresh if r.flipped)
    one = PairScorer(ScoringConfig(), flip=_flip)
    assert [one.score(recs[c.video_a], recs[c.video_b]) for c in pairs] == fresh
    assert 0 < len(one._traj_memo) <= 2 * len(recs)
    r = recs["v01"]
    straight, mirrored = one._trajectory(r, False), one._trajectory(r, True)
    np.testing.assert_allclose(mirrored.velocity[:, 0], -straight.velocity[:, 0], atol=1e-6)  # not reused
    np.testing.assert_allclose(mirrored.velocity[:, 1], straight.velocity[:, 1], atol=1e-6)
    assert np.abs(straight.velocity[:, 0]).max() > 0
    monkeypatch.setattr(trajectory, "MEMO_FRAMES", 50)  # cleared again and again: still the same scores
    small = PairScorer(ScoringConfig(), flip=_flip)
    assert [small.score(recs[c.video_a], recs[c.video_b]) for c in pairs] == fresh
    assert 0 < small._traj_memo.frames <= 50 and len(small._traj_memo) <= 2


def test_a_new_record_under_the_same_id_gets_its_own_trajectory():
    recs = _records(6, seed=1)
    a, b = recs["v01"], recs["v03"]  # two noisy sub-clips of one video: a path to compare along
    scorer = PairScorer(ScoringConfig(), flip=_flip)
    first = scorer.score(a, b)
    moved = b.centroids.copy()
    moved[:, 0] = np.linspace(0.1, 0.9, len(moved))  # another path, same video id
    b2 = FrameRecord(b.video_id, b.t_s, b.frame_idx).with_features(b.global_vecs, b.region_vecs, moved)
    again = scorer.score(a, b2)
    assert again == PairScorer(ScoringConfig(), flip=_flip).score(a, b2)
    assert first.path_frames > 2 and again.traj != first.traj
    # the same centroid array on another clock (a record built around it, as with_features may keep it)
    b3 = FrameRecord(b.video_id, b.t_s * 1.7, b.frame_idx).with_features(b.global_vecs, b.region_vecs, b.centroids)
    assert b3.centroids is b.centroids
    assert scorer.score(a, b3) == PairScorer(ScoringConfig(), flip=_flip).score(a, b3)
