"""vidfp's µAP and segment AP / P / R against outputs of the official VSC22 code.

``data/vsc22_reference.json`` holds hand-made inputs (heavy ties, partial
overlaps, off-box predictions, several boxes per pair, pairs without truth,
seeded random cases) and the values facebookresearch/vsc2022's
``vsc/metrics.py`` computed for them (see the file's ``source``); the official
code itself is not part of vidfp.
"""

import json
import os

import pytest

from vidfp.eval.metrics import micro_ap
from vidfp.eval.segment_metrics import segment_ap, segment_prf

with open(os.path.join(os.path.dirname(__file__), "data", "vsc22_reference.json"), encoding="utf-8") as _f:
    REF = json.load(_f)
TOL = 1e-9


def _boxes(rows: list) -> dict:
    out: dict = {}
    for q, r, *box in rows:
        out.setdefault((q, r), []).append(tuple(box))
    return out


@pytest.mark.parametrize("case", REF["micro_ap"], ids=lambda c: c["name"])
def test_micro_ap_equals_official(case):
    scores = {(q, r): s for q, r, s in case["scores"]}
    assert len(scores) == len(case["scores"])
    assert micro_ap(scores, {(q, r) for q, r in case["positives"]}) == pytest.approx(case["expected"], abs=TOL)


@pytest.mark.parametrize("case", REF["segment"], ids=lambda c: c["name"])
def test_segment_ap_equals_official(case):
    truth, pred = _boxes(case["truth"]), _boxes(case["pred"])
    assert segment_ap(pred, truth) == pytest.approx(case["expected_ap"], abs=TOL)
    p, r, _ = segment_prf(pred, truth)
    assert p == pytest.approx(case["expected_precision"], abs=TOL)
    assert r == pytest.approx(case["expected_recall"], abs=TOL)
    # the value does not depend on the order boxes and pairs are given in (ties included)
    shuffled = {k: v[::-1] for k, v in reversed(list(pred.items()))}
    assert segment_ap(shuffled, truth) == pytest.approx(case["expected_ap"], abs=TOL)


def test_fixture_covers_ties_and_partial_overlaps():
    """The reference set must keep its hard cases (ties, 0 < value < 1), or the checks above say little."""
    names = {c["name"] for c in REF["micro_ap"]} | {c["name"] for c in REF["segment"]}
    assert {
        "heavy_ties_4_levels",
        "positives_buried_in_tie",
        "half_shift_both_axes",
        "hits_each_axis_not_the_box",
        "ties_across_pairs",
        "multi_segments_partial",
    } <= names
    assert sum(0 < c["expected"] < 1 for c in REF["micro_ap"]) >= 6
    assert sum(0 < c["expected_ap"] < 1 for c in REF["segment"]) >= 8
