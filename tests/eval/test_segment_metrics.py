"""Segment metrics on hand cases whose values follow from the VSC22 / VCSL definitions by hand."""

import math

import pytest

from vidfp.eval.segment_metrics import (
    interval_iou,
    segment_ap,
    segment_iou,
    segment_prf,
)

TRUTH = {("a", "b"): [(0.0, 10.0, 0.0, 10.0)]}


def test_prf_exact_half_and_shift():
    assert segment_prf({("a", "b"): [(0.0, 10.0, 0.0, 10.0)]}, TRUTH) == (1.0, 1.0, 1.0)
    p, r, f = segment_prf({("a", "b"): [(0.0, 5.0, 0.0, 5.0)]}, TRUTH)
    assert p == 1.0 and r == 0.5 and f == pytest.approx(2 / 3)
    # shifted by half on both axes: each axis P = R = 1/2, geometric mean 1/2
    p, r, _ = segment_prf({("a", "b"): [(5.0, 15.0, 5.0, 15.0)]}, TRUTH)
    assert p == 0.5 and r == 0.5


def test_prf_axes_combine_by_geometric_mean():
    # A axis full, B axis half: R = sqrt(1 · 1/2) (the arithmetic mean would give 3/4)
    p, r, _ = segment_prf({("a", "b"): [(0.0, 10.0, 0.0, 5.0)]}, TRUTH)
    assert p == 1.0 and r == pytest.approx(math.sqrt(0.5))


def test_prf_sums_over_pairs_before_dividing():
    truth = {("a", "b"): [(0.0, 10.0, 0.0, 10.0)], ("c", "d"): [(0.0, 30.0, 0.0, 30.0)]}
    pred = {("a", "b"): [(0.0, 10.0, 0.0, 10.0)], ("c", "d"): [(0.0, 10.0, 0.0, 10.0)]}
    # I = 20 on each axis, G = 40: R = 1/2 (the mean over pairs would be (1 + 1/3) / 2)
    p, r, _ = segment_prf(pred, truth)
    assert p == 1.0 and r == pytest.approx(0.5)
    # a prediction on a pair without truth only adds to the predicted length: T = 40 + 20
    pred[("x", "y")] = [(0.0, 20.0, 0.0, 20.0)]
    p, r, _ = segment_prf(pred, truth)
    assert p == pytest.approx(20 / 40) and r == pytest.approx(0.5)


def test_prf_off_box_predictions_match_nothing():
    # one prediction right on the A axis only, another right on the B axis only: no 2-D overlap
    off = {("a", "b"): [(0.0, 10.0, 20.0, 30.0), (20.0, 30.0, 0.0, 10.0)]}
    assert segment_prf(off, TRUTH) == (0.0, 0.0, 0.0)
    assert segment_prf({}, TRUTH) == (0.0, 0.0, 0.0)
    assert segment_prf({("a", "b"): []}, TRUTH) == (0.0, 0.0, 0.0)


def test_prf_untouched_true_box_costs_recall_but_not_its_axis_overlap():
    truth = {("a", "b"): [(0.0, 10.0, 0.0, 10.0), (20.0, 30.0, 20.0, 30.0)]}
    # 2nd prediction lies on the 2nd box's A interval but outside the box: it is not matched there
    p, r, _ = segment_prf({("a", "b"): [(0.0, 10.0, 0.0, 10.0), (20.0, 30.0, 40.0, 50.0)]}, truth)
    assert p == pytest.approx(0.5) and r == pytest.approx(0.5)


def test_ap_half_shift_and_off_box():
    assert segment_ap({("a", "b"): [(0.0, 10.0, 0.0, 10.0, 0.9)]}, TRUTH) == 1.0
    # P = R = 1/2 after the only prediction: AP = 1/2 · 1/2
    assert segment_ap({("a", "b"): [(5.0, 15.0, 5.0, 15.0, 0.9)]}, TRUTH) == pytest.approx(0.25)
    off = {("a", "b"): [(0.0, 10.0, 20.0, 30.0, 0.9), (20.0, 30.0, 0.0, 10.0, 0.8)]}
    assert segment_ap(off, TRUTH) == 0.0
    assert segment_ap({}, TRUTH) == 0.0
    assert segment_ap({("a", "b"): [(0.0, 10.0, 0.0, 10.0, 0.9)]}, {}) == 0.0


def test_ap_ranking_and_ties():
    truth = {("a", "b"): [(0.0, 10.0, 5.0, 15.0)], ("c", "d"): [(0.0, 4.0, 0.0, 4.0)]}
    # G = 14 on each axis; half of (a, b) on both axes, precision 1: AP = R = 5/14
    assert segment_ap({("a", "b"): [(0.0, 5.0, 5.0, 10.0, 0.9)]}, truth) == pytest.approx(5 / 14)
    # a confident false segment first: P = 0 while alone, then P = 10/20 as R jumps to 10/14
    wrong = {("x", "y"): [(0.0, 10.0, 0.0, 10.0, 0.99)], ("a", "b"): [(0.0, 10.0, 5.0, 15.0, 0.5)]}
    assert segment_ap(wrong, truth) == pytest.approx(0.5 * 10 / 14)
    # the same two tied: added together, the same single step
    tied = {("x", "y"): [(0.0, 10.0, 0.0, 10.0, 0.5)], ("a", "b"): [(0.0, 10.0, 5.0, 15.0, 0.5)]}
    assert segment_ap(tied, truth) == pytest.approx(0.5 * 10 / 14)
    # true one first: R = 10/14 at P = 1, the false one adds no recall
    right = {("x", "y"): [(0.0, 10.0, 0.0, 10.0, 0.1)], ("a", "b"): [(0.0, 10.0, 5.0, 15.0, 0.5)]}
    assert segment_ap(right, truth) == pytest.approx(10 / 14)


def test_iou_diagnostic():
    assert segment_iou({("a", "b"): [(0.0, 5.0, 0.0, 10.0)]}, TRUTH) == [pytest.approx(0.75)]
    assert segment_iou({}, TRUTH) == [0.0]
    assert interval_iou((0, 2), (1, 3)) == pytest.approx(1 / 3)
