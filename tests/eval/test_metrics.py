import pytest

from vidfp.eval.metrics import cluster_prf, interval_iou, micro_ap, retrieval, segment_iou, segment_prf


def test_micro_ap_hand_case():
    pos = {("a", "b"), ("c", "d")}
    assert micro_ap({("a", "b"): 0.9, ("c", "d"): 0.8, ("a", "c"): 0.1}, pos) == 1.0
    # ranking: neg, pos, pos → (1/2 + 2/3) / 2
    assert micro_ap({("a", "c"): 0.9, ("a", "b"): 0.8, ("c", "d"): 0.7}, pos) == pytest.approx((0.5 + 2 / 3) / 2)
    # a missed positive costs recall: only (a, b) found, at rank 1 → 1/2
    assert micro_ap({("a", "b"): 0.9}, pos) == pytest.approx(0.5)


def test_segment_metrics_hand_case():
    truth = {("a", "b"): [(0.0, 10.0, 0.0, 10.0)]}
    assert segment_prf({("a", "b"): [(0.0, 10.0, 0.0, 10.0)]}, truth) == (1.0, 1.0, 1.0)
    p, r, f = segment_prf({("a", "b"): [(0.0, 5.0, 0.0, 5.0)]}, truth)
    assert p == 1.0 and r == 0.5 and f == pytest.approx(2 / 3)
    p, r, _ = segment_prf({("a", "b"): [(5.0, 15.0, 5.0, 15.0)]}, truth)
    assert p == 0.5 and r == 0.5
    assert segment_iou({("a", "b"): [(0.0, 5.0, 0.0, 10.0)]}, truth) == [pytest.approx(0.75)]
    assert segment_iou({}, truth) == [0.0]
    assert interval_iou((0, 2), (1, 3)) == pytest.approx(1 / 3)


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


def test_segment_ap_hand_cases():
    from vidfp.eval.metrics import segment_ap

    truth = {("a", "b"): [(0.0, 10.0, 5.0, 15.0)], ("c", "d"): [(0.0, 4.0, 0.0, 4.0)]}
    exact = {("a", "b"): [(0.0, 10.0, 5.0, 15.0, 0.9)], ("c", "d"): [(0.0, 4.0, 0.0, 4.0, 0.8)]}
    assert segment_ap(exact, truth) == pytest.approx(1.0)
    # half of the (a, b) box on each axis → ¼ of its area matched, precision 1 for that prediction
    half = {("a", "b"): [(0.0, 5.0, 5.0, 10.0, 0.9)]}
    assert segment_ap(half, truth) == pytest.approx(25 / 116)
    # a confident false segment first: precision 0 while it is alone, then ½ when the true one comes
    wrong = {("x", "y"): [(0.0, 10.0, 0.0, 10.0, 0.99)], ("a", "b"): [(0.0, 10.0, 5.0, 15.0, 0.5)]}
    assert segment_ap(wrong, truth) == pytest.approx((100 / 116) * 0.5)
    # right on one axis, wrong on the other: nothing matched
    assert segment_ap({("a", "b"): [(0.0, 10.0, 20.0, 30.0, 0.9)]}, truth) == 0.0
