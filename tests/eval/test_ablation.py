"""The ablation's rows: which pairs it judges."""

import pytest

from vidfp.eval.ablation import evaluate_variant, with_stored_pairs

# s, c: a source and its copy; k: a compilation holding a piece of s; d: unrelated; h: a hard negative of s
OK = ["c", "d", "h", "k", "s"]
POS = {("c", "s")}
HARD = {("h", "s")}


def test_a_hosts_pairs_cluster_but_are_not_judged():
    scores = {("c", "s"): 0.9, ("c", "k"): 0.95, ("k", "s"): 0.92, ("h", "s"): 0.3, ("c", "d"): 0.1}
    cover = {("c", "k"): 0.3, ("k", "s"): 0.3}  # partial-copy relations: below min_cov
    with_hosts = evaluate_variant(scores, 0.65, OK, POS, HARD, cover, 0.7, hosts={"k"})
    assert with_hosts["µAP"] == pytest.approx(1.0) and with_hosts["other false"] == 0
    assert with_hosts["copies missed"] == 0 and with_hosts["hard clustered"] == 0
    judged_all = evaluate_variant(scores, 0.65, OK, POS, HARD, cover, 0.7)  # as before: k's pairs are false
    assert judged_all["µAP"] < 0.6 and judged_all["other false"] == 2


def test_a_false_pair_between_judged_videos_still_counts():
    scores = {("c", "s"): 0.9, ("c", "d"): 0.95}
    r = evaluate_variant(scores, 0.65, OK, POS, HARD, {}, 0.7, hosts={"k"})
    assert r["µAP"] < 0.6 and r["other false"] == 1


def test_the_catalogs_second_hop_pairs_are_rescored_too():
    from vidfp.index.candidates import Candidate

    knn = [Candidate("a", "b", 3.0)]
    stored = {("a", "b"), ("b", "c"), ("a", "c"), ("c", "gone")}
    got = with_stored_pairs(knn, stored, {"a", "b", "c"})
    assert got == [Candidate("a", "b", 3.0), Candidate("a", "c", 0.0), Candidate("b", "c", 0.0)]
