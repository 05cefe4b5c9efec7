"""Second-hop candidates (vidfp.index.closure) against a brute-force reference, and their caps."""

import itertools

import numpy as np

from vidfp.index.closure import second_hop_candidates
from vidfp.similarity.scoring import PairResult


def reference(edges, scored, unscored):
    """Every pair {a, b} not yet scored with a common duplicate neighbour v, where a, b or v is new;
    strength max over such v of min(s_av, s_bv)."""
    sim = {}
    for a, b, s in edges:
        for k in ((a, b), (b, a)):
            sim[k] = max(s, sim.get(k, s))
    videos = sorted({x for e in edges for x in e[:2]})
    out = {}
    for a, b in itertools.combinations(videos, 2):
        if (a, b) in scored:
            continue
        paths = [
            min(sim[(a, v)], sim[(b, v)])
            for v in videos
            if (a, v) in sim and (b, v) in sim and (a in unscored or b in unscored or v in unscored)
        ]
        if paths:
            out[(a, b)] = max(paths)
    return out


def test_matches_the_brute_force_reference_on_seeded_graphs():
    rng = np.random.default_rng(3)
    for trial in range(20):
        vids = [f"v{i:02d}" for i in range(12)]
        edges = [
            (a, b, float(rng.uniform(0.5, 1.0))) for a, b in itertools.combinations(vids, 2) if rng.uniform() < 0.25
        ]
        edges += [(b, a, s - 0.1) for a, b, s in edges[:3]]  # the same pair again, reversed and weaker
        scored = {(a, b) for a, b, _ in edges[: len(edges) // 2] if a < b}
        unscored = {v for v in vids if rng.uniform() < 0.6}
        got = {(c.video_a, c.video_b): c.votes for c in second_hop_candidates(edges, scored, unscored, 10_000)}
        want = reference(edges, scored, unscored)
        assert want, trial  # the graph is dense enough to propose something
        assert got.keys() == want.keys(), trial
        assert all(abs(got[k] - want[k]) < 1e-12 for k in want), trial


def test_two_copies_of_one_source_are_paired_through_it():
    edges = [("src", "c1", 0.9), ("c2", "src", 0.8), ("src", "other", 0.3)]
    cands = second_hop_candidates(edges, set(), {"c1", "c2", "src", "other"}, 30)
    assert [(c.video_a, c.video_b, c.votes) for c in cands] == [
        ("c1", "c2", 0.8),
        ("c1", "other", 0.3),
        ("c2", "other", 0.3),
    ]  # strongest first, ties by id
    pairs = lambda cs: [(c.video_a, c.video_b) for c in cs]  # noqa: E731
    assert pairs(second_hop_candidates(edges, {("c1", "c2")}, {"c1", "c2"}, 30)) == [("c1", "other"), ("c2", "other")]
    assert pairs(second_hop_candidates(edges, set(), {"c1"}, 30)) == [("c1", "c2"), ("c1", "other")]
    # a new source joins two stored copies (and its other neighbour): all three pairs
    assert pairs(second_hop_candidates(edges, set(), {"src"}, 30)) == [("c1", "c2"), ("c1", "other"), ("c2", "other")]
    assert second_hop_candidates(edges, set(), {"elsewhere"}, 30) == []  # nothing new near them
    assert second_hop_candidates(edges, set(), {"c1"}, 0) == []


def test_each_video_takes_at_most_per_video_pairs_strongest_first():
    edges = [("hub", f"c{i}", 0.5 + i / 100) for i in range(8)]  # one source, eight copies: 28 second hops
    cands = second_hop_candidates(edges, set(), {f"c{i}" for i in range(8)}, 3)
    count = {}
    for c in cands:
        count[c.video_a] = count.get(c.video_a, 0) + 1
        count[c.video_b] = count.get(c.video_b, 0) + 1
    assert max(count.values()) == 3
    strengths = [c.votes for c in cands]
    assert strengths == sorted(strengths, reverse=True)
    assert (cands[0].video_a, cands[0].video_b) == ("c6", "c7")  # min(0.56, 0.57) is the strongest link
    assert len(cands) < 28


def test_stored_links_of_videos_no_longer_ok_propose_nothing():
    """A stored duplicate link to a video now missing must not make a pair with it (its records are
    not loaded, so scoring it would fail the run)."""
    from vidfp.pipeline.match import second_hop

    stored = [("m", "v", True, 0.9, False), ("a", "v", True, 0.8, False)]  # m: missing now; a, v: stored
    new = [PairResult("v", "x", 0.95, True)]  # this run: a new copy x of v
    got = [(c.video_a, c.video_b) for c in second_hop(stored, new, [], {"x"}, {"a", "v", "x"}, 30)]
    assert got == [("a", "x")]
    got_all = [(c.video_a, c.video_b) for c in second_hop(stored, new, [], {"x"}, {"a", "m", "v", "x"}, 30)]
    assert got_all == [("m", "x"), ("a", "x")]  # the same call with m still ok pairs it (strongest first)
