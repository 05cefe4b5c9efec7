import numpy as np
import pytest

from vidfp.config import CandidateConfig
from vidfp.index.candidates import FaissKnnCandidates, build_index
from vidfp.records import FrameRecord


def _unit(x):
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def test_ivf_recall_against_flat(rng):
    # frames of videos cluster: 300 "shots" of 20 noisy frames each
    centres = rng.normal(size=(300, 32))
    x = _unit(np.repeat(centres, 20, axis=0) + rng.normal(0, 0.3, size=(6000, 32)))
    q = x[:200]
    _, flat = build_index(x, "flat", gpu=False).search(q, 10)
    _, ivf = build_index(x, "ivf", gpu=False).search(q, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(flat, ivf)])
    assert recall > 0.9


def _rec(vid, g):
    n = len(g)
    return FrameRecord(vid, np.arange(n, dtype=float), np.arange(n)).with_features(
        g, np.repeat(g[:, None], 4, 1), np.full((n, 2), 0.5)
    )


def test_votes_pair_copies_and_skip_self(rng):
    base = _unit(rng.normal(size=(20, 64)))
    copy = _unit(base + rng.normal(0, 0.05, base.shape))
    other = _unit(rng.normal(size=(20, 64)))
    other_copy = _unit(other + rng.normal(0, 0.05, other.shape))
    recs = [_rec("a", base), _rec("b", copy), _rec("c", other), _rec("d", other_copy)]
    cands = FaissKnnCandidates(CandidateConfig(min_frame_sim=0.7, gpu=False)).generate(recs)
    pairs = {(c.video_a, c.video_b): c.votes for c in cands}
    assert ("a", "b") in pairs and pairs[("a", "b")] > 15  # ~one vote per frame near 1.0
    assert ("c", "d") in pairs and pairs[("c", "d")] > 15
    assert len(pairs) == 2  # no vote crosses the floor between the two groups
    assert all(c.video_a < c.video_b for c in cands)


def test_a_video_with_no_frame_over_the_floor_is_paired_with_its_nearest_videos(rng):
    """The floor would leave it unpaired (never compared); with the floor waived it keeps its
    max_per_video best-voted videos, its faint copy first; videos with candidates get no more."""
    base = _unit(rng.normal(size=(20, 64)))
    copy = _unit(base + rng.normal(0, 0.05, base.shape))
    faint = _unit(base + rng.normal(0, 0.32, base.shape))  # cosine ≈ 0.4 with base: under the 0.7 floor
    others = [_unit(rng.normal(size=(20, 64))) for _ in range(4)]
    recs = [_rec("a", base), _rec("b", copy), _rec("f", faint)] + [_rec(f"o{i}", o) for i, o in enumerate(others)]
    assert (faint @ base.T).max() < 0.7 and (faint @ base.T).diagonal().mean() > 0.3
    cfg = CandidateConfig(min_frame_sim=0.7, max_per_video=2, gpu=False)
    pairs = {(c.video_a, c.video_b): c.votes for c in FaissKnnCandidates(cfg).generate(recs)}
    lonely = {p: v for p, v in pairs.items() if "f" in p}
    assert set(lonely) == {("a", "f"), ("b", "f")}  # its two nearest videos: the copies it copies
    assert all(v < 15 for v in lonely.values()) and pairs[("a", "b")] > 15
    assert set(pairs) == _reference_pairs(recs, cfg)  # the o* videos are lonely too: their two nearest each


def test_neighbouring_frames_of_one_video_do_not_crowd_out_a_copy_group(rng):
    """Copies that hold each picture for 3 samples (slow motion, low-motion footage) put 3 hits
    per video into every neighbour list.  k_frames counts other *videos*, so with k = 5 in a group of 6
    every member still finds the other 5: counting hits, the least-altered copies would fill
    the list and the two most-altered copies would never meet."""
    base = np.repeat(_unit(rng.normal(size=(8, 64))), 3, axis=0)  # 24 samples, each picture 3×
    drift = np.repeat(_unit(rng.normal(size=(8, 64))), 3, axis=0)  # the 3 samples alike in each copy
    recs = [_rec(f"v{j}", _unit(base + 0.04 * j * drift)) for j in range(6)]
    cfg = CandidateConfig(k_frames=5, max_per_video=10, min_frame_sim=0.5, use_flip=False, gpu=False)
    pairs = {(c.video_a, c.video_b) for c in FaissKnnCandidates(cfg).generate(recs)}
    assert pairs == {(f"v{i}", f"v{j}") for i in range(6) for j in range(i + 1, 6)}


def _reference_pairs(recs, cfg):
    """Brute force: each frame's best sim per other video, its k_frames best videos vote; top
    max_per_video.  Videos left without any pair vote again with the floor waived."""
    g = [r.global_vecs for r in recs]

    def votes_of(queries, floor):
        votes = {}
        for qi in queries:
            for f in g[qi]:
                best = sorted(
                    ((float((gv @ f).max()), vi) for vi, gv in enumerate(g) if vi != qi), key=lambda t: (-t[0], t[1])
                )
                best = [(s, vi) for s, vi in best if s >= floor][: cfg.k_frames]
                for s, vi in best:
                    votes[(qi, vi)] = votes.get((qi, vi), 0.0) + s
        return votes

    def top(votes, queries):
        pairs = set()
        for qi in queries:
            lst = sorted(((s, v) for (q, v), s in votes.items() if q == qi), key=lambda t: (-t[0], t[1]))
            pairs |= {tuple(sorted((recs[qi].video_id, recs[v].video_id))) for _, v in lst[: cfg.max_per_video]}
        return pairs

    pairs = top(votes_of(range(len(g)), cfg.min_frame_sim), range(len(g)))
    lonely = [qi for qi, r in enumerate(recs) if not any(r.video_id in p for p in pairs)]
    return pairs | top(votes_of(lonely, -1.0), lonely)


def test_still_camera_group_is_searched_deep_enough_to_find_every_copy(rng):
    """A still camera's frames all look alike: each copy's 30 frames sit closer to each other than to
    any other copy's (each copy its own small distortion), so a neighbour list fills with the frame's own
    video and the one or two nearest copies.  The first search's depth here (3·k_frames + min(own
    frames, 4·k_frames) = 75) reaches about 2 other videos of 14.  Lists that name too few videos are
    searched deeper, so the pairs equal the brute-force reference's."""
    scene = _unit(rng.normal(size=64))
    recs = [
        _rec(f"c{j:02d}", _unit(scene + rng.normal(0, 0.05, 64) + rng.normal(0, 0.005, (30, 64)))) for j in range(15)
    ]
    recs += [_rec(f"z{j}", _unit(rng.normal(size=(30, 64)))) for j in range(3)]  # unrelated videos
    cfg = CandidateConfig(k_frames=15, max_per_video=20, min_frame_sim=0.5, use_flip=False, gpu=False)
    pairs = {(c.video_a, c.video_b) for c in FaissKnnCandidates(cfg).generate(recs)}
    assert pairs == _reference_pairs(recs, cfg)
    assert {p for p in pairs if p[1][0] == "c"} == {
        (f"c{i:02d}", f"c{j:02d}") for i in range(15) for j in range(i + 1, 15)
    }


def _loop_pairs(index_lists, owner, recs, cfg):
    """The per-hit loop the vectorised vote replaced, kept as the exact reference: each orientation's
    lists walked best first, a (frame, video) new to ``best`` counting towards k_frames."""
    from collections import defaultdict

    best = {}
    for lists in index_lists:
        for f, (sims, ids) in enumerate(lists):
            kept = 0
            for s, h in zip(sims, ids, strict=False):
                if h < 0 or s < cfg.min_frame_sim or kept >= cfg.k_frames:
                    continue
                v = int(owner[h])
                if v == owner[f]:
                    continue
                if (f, v) not in best:
                    kept += 1
                    best[(f, v)] = float(s)
                elif s > best[(f, v)]:
                    best[(f, v)] = float(s)
    votes = defaultdict(float)
    for (f, v), s in best.items():
        votes[(int(owner[f]), v)] += s
    per_video = defaultdict(list)
    for (q, v), s in votes.items():
        per_video[q].append((s, v))
    pairs = {}
    for q, lst in per_video.items():
        lst.sort(key=lambda t: (-t[0], t[1]))
        for s, v in lst[: cfg.max_per_video]:
            a, b = sorted((recs[q].video_id, recs[v].video_id))
            pairs[(a, b)] = max(pairs.get((a, b), 0.0), s)
    return pairs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vectorised_votes_equal_the_per_hit_loop(seed, monkeypatch):
    """Groups of noisy copies, some mirrored, with both orientations queried and small k_frames and
    max_per_video so that lists overflow: the vectorised votes give the loop's pairs and votes."""
    rng = np.random.default_rng(seed)
    recs, k = [], 0
    for g in range(6):
        base = _unit(rng.normal(size=(12, 24)))
        for c in range(4):
            x = _unit(base + rng.normal(0, 0.25, base.shape))
            recs.append(_rec(f"g{g}c{c}", x[:, ::-1].copy() if c == 3 else x))
            k += 1
    flip = lambda g, r: (np.ascontiguousarray(g[:, ::-1]), r)  # noqa: E731 - a mirror of the toy vectors
    cfg = CandidateConfig(k_frames=3, max_per_video=4, min_frame_sim=0.1, gpu=False)
    gen = FaissKnnCandidates(cfg)
    seen = []
    real = gen._neighbours
    monkeypatch.setattr(gen, "_neighbours", lambda *a: seen.append(real(*a)) or seen[-1])
    got = {(c.video_a, c.video_b): c.votes for c in gen.generate(recs, flip=flip)}
    owner = np.concatenate([np.full(r.n_frames, i) for i, r in enumerate(recs)])
    want = _loop_pairs(seen, owner, recs, cfg)
    assert len(seen) == 2 and set(got) == set(want)
    for p, s in want.items():
        assert got[p] == pytest.approx(round(s, 6), abs=2e-6)
