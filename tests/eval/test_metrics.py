import pytest

from vidfp.eval.metrics import cluster_prf, micro_ap, retrieval


def test_micro_ap_hand_case():
    pos = {("a", "b"), ("c", "d")}
    assert micro_ap({("a", "b"): 0.9, ("c", "d"): 0.8, ("a", "c"): 0.1}, pos) == 1.0
    # ranking: neg, pos, pos → (1/2 + 2/3) / 2
    assert micro_ap({("a", "c"): 0.9, ("a", "b"): 0.8, ("c", "d"): 0.7}, pos) == pytest.approx((0.5 + 2 / 3) / 2)
    # a missed positive costs recall: only (a, b) found, at rank 1 → 1/2
    assert micro_ap({("a", "b"): 0.9}, pos) == pytest.approx(0.5)


def test_micro_ap_ties_form_one_threshold():
    pos = {("a", "b")}
    # a negative tied with the only positive: both enter at once, P = 1/2 (an arbitrary order gave 1 or 1/2)
    assert micro_ap({("a", "b"): 0.5, ("a", "c"): 0.5}, pos) == pytest.approx(0.5)
    assert micro_ap({("a", "c"): 0.5, ("a", "b"): 0.5}, pos) == pytest.approx(0.5)
    # two positives and two negatives all tied: ΔR = 1 at P = 2/4
    pos2 = {("a", "b"), ("c", "d")}
    assert micro_ap({("a", "b"): 1.0, ("c", "d"): 1.0, ("a", "c"): 1.0, ("b", "d"): 1.0}, pos2) == pytest.approx(0.5)
    # tie below a distinct top score: first group (pos) P = 1, second group (pos + neg) P = 2/3
    assert micro_ap({("a", "b"): 0.9, ("c", "d"): 0.4, ("a", "c"): 0.4}, pos2) == pytest.approx((1 + 2 / 3) / 2)


def test_micro_ap_pair_order_and_edge_cases():
    pos = {("b", "a")}
    # (a, b) and (b, a) are one pair, scored by the higher score
    assert micro_ap({("b", "a"): 0.1, ("a", "b"): 0.9, ("a", "c"): 0.5}, pos) == 1.0
    assert micro_ap({("b", "a"): 0.1, ("a", "b"): 0.2, ("a", "c"): 0.5}, pos) == pytest.approx(0.5)
    assert micro_ap({("a", "c"): 0.5}, set()) == 0.0
    assert micro_ap({}, pos) == 0.0
    with pytest.raises(ValueError):
        micro_ap({("a", "b"): float("nan")}, pos)


def test_cluster_prf_hand_case():
    pred = {"a": "a", "b": "a", "c": "a", "d": "d"}
    p, r, f = cluster_prf(pred, [["a", "b"], ["c", "d"]])
    assert p == pytest.approx(1 / 3) and r == pytest.approx(1 / 2) and f == pytest.approx(0.4)


def test_retrieval_hand_case():
    vids = ["a", "b", "c"]
    p10, m = retrieval(vids, {("a", "b"): 0.9, ("a", "c"): 0.5, ("b", "c"): 0.95}, {("a", "b")}, k=1)
    # query a: b first (AP 1, P@1 1); query b: c first then a (AP 1/2, P@1 0)
    assert p10 == pytest.approx(0.5) and m == pytest.approx(0.75)


def test_pair_ordering_counts_unscored_as_zero_and_ties_half():
    from vidfp.eval.metrics import pair_ordering

    pos = {("a", "b"), ("c", "d")}
    neg = {("a", "x"), ("c", "x")}
    assert pair_ordering({("a", "b"): 0.9, ("c", "d"): 0.8, ("a", "x"): 0.5, ("c", "x"): 0.1}, pos, neg) == 1.0
    # (c, d) never scored → 0, below both negatives; (a, b) above both
    assert pair_ordering({("a", "b"): 0.9, ("a", "x"): 0.5, ("c", "x"): 0.1}, pos, neg) == 0.5
    assert pair_ordering({("a", "b"): 0.5, ("c", "d"): 0.5, ("a", "x"): 0.5, ("c", "x"): 0.5}, pos, neg) == 0.5
