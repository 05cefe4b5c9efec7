"""Second-hop candidates (vidfp.index.closure) against a brute-force reference, and their caps."""

import itertools

import numpy as np

from vidfp.index.closure import lone_links, second_hop_candidates
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


def lone_reference(dup, near):
    """Brute force: each video without a duplicate edge → max over its near edges to a linked video of
    (similarity, −partner), i.e. the strongest, ties to the smaller id."""
    linked = {v for a, b, _ in dup for v in (a, b)}
    videos = sorted({v for a, b, _ in near for v in (a, b)} - linked)
    out = []
    for x in videos:
        opts = [(s, b if a == x else a) for a, b, s in near if x in (a, b) and (b if a == x else a) in linked]
        if opts:
            s, y = max(opts, key=lambda o: (o[0], [-ord(ch) for ch in o[1]]))
            out.append((x, y, s))
    return out


def test_lone_links_match_a_brute_force_reference_in_any_order():
    rng = np.random.default_rng(11)
    for trial in range(30):
        vids = [f"v{i:02d}" for i in range(10)]
        dup = [(a, b, 0.9) for a, b in itertools.combinations(vids[:5], 2) if rng.uniform() < 0.3]
        near = [
            (a, b, float(rng.choice([0.3, 0.4, 0.5])))  # few levels: ties happen
            for a, b in itertools.combinations(vids, 2)
            if rng.uniform() < 0.3
        ]
        want = lone_reference(dup, near)
        assert lone_links(dup, near) == want, trial
        shuffled = [near[k] for k in rng.permutation(len(near))]
        assert lone_links(dup, [(b, a, s) for a, b, s in shuffled]) == want, trial
    assert any(lone_reference(d, n) for d, n in [(dup, near)])  # the last graph has lone links at all


def test_a_lone_copy_is_paired_with_its_best_partners_group_after_the_duplicate_pairs():
    """pip's best partner is src (its own link fell under the threshold): pip is paired with src's copies,
    ranked after the pair of two duplicate edges; x (linked itself) and a partner
    without duplicate edges (y) make no lone link."""
    dup = [("src", "c1", 0.9), ("src", "c2", 0.8)]
    near = [("pip", "src", 0.55), ("pip", "y", 0.6), ("pip", "c1", 0.4)]
    lone = lone_links(dup, near)
    assert lone == [("pip", "src", 0.55)]  # y is stronger but joins no group (nor does y); c1 is weaker
    assert lone_links(dup, near + [("c1", "y", 0.5)])[1] == ("y", "c1", 0.5)  # y's best partner with a group
    cands = second_hop_candidates(dup + lone, {("c1", "pip"), ("pip", "src")}, {"pip"}, 30)
    assert [(c.video_a, c.video_b, c.votes) for c in cands] == [("c2", "pip", 0.55)]
    cands = second_hop_candidates(dup + lone, {("c1", "pip"), ("pip", "src")}, {"c1", "c2", "pip", "src"}, 30)
    assert [(c.video_a, c.video_b) for c in cands] == [("c1", "c2"), ("c2", "pip")]  # duplicates' pair first
    assert second_hop_candidates(dup + lone, {("c1", "c2"), ("c1", "pip"), ("pip", "src")}, {"pip"}, 0) == []


def test_second_hop_finds_the_same_lone_pairs_from_stored_and_new_pairs():
    """A catalog that stored part of the pairs earlier proposes what one run over all of them proposes;
    a partial link or a pair under the semantic floor is no lone link."""
    from vidfp.pipeline.match import second_hop

    res = [
        PairResult("c1", "src", 0.9, True, semantic=1.0),
        PairResult("c2", "src", 0.8, True, semantic=1.0),
        PairResult("pip", "src", 0.55, False, semantic=0.6),
        PairResult("comp", "src", 0.7, False, semantic=0.9, is_partial=True),
        PairResult("far", "src", 0.3, False, semantic=0.3),
    ]
    videos = {"c1", "c2", "comp", "far", "pip", "src"}
    at_once = second_hop([], res, [], set(videos), videos, 30, [], 0.4)
    assert [(c.video_a, c.video_b) for c in at_once] == [("c1", "c2"), ("c1", "pip"), ("c2", "pip")]
    stored = [(r.video_a, r.video_b, r.is_duplicate, r.similarity, r.is_partial) for r in res[:3]]
    near = [(r.video_a, r.video_b, r.similarity) for r in res[2:3]]  # what Catalog.near_edges returns
    later = second_hop(stored, res[3:], [], {"comp", "far"}, videos, 30, near, 0.4)
    assert later == []  # nothing new: comp is partial, far under the floor, the rest was scored before
    # c2 new on a later night: its pairs with c1 and with the stored lone copy pip are proposed
    night = second_hop(stored[:1] + stored[2:], res[1:2], [], {"c2"}, videos, 30, near, 0.4)
    assert [(c.video_a, c.video_b) for c in night] == [("c1", "c2"), ("c2", "pip")]
    assert [(c.video_a, c.video_b) for c in second_hop(stored[:1] + stored[2:], res[1:2], [], {"c2"}, videos, 30)] == [
        ("c1", "c2")
    ]  # without the floor (min_semantic None) no lone hop
