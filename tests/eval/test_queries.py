"""Query-retrieval metrics on hand-made cases (vidfp.eval.queries)."""

import pytest

from vidfp.eval.queries import moment_iou, query_metrics


def test_moment_iou_is_the_mean_of_both_axes():
    assert moment_iou((0, 4, 3, 7), (0, 4, 3, 7)) == 1.0
    assert moment_iou((0, 4, 3, 7), (0, 4, 13, 17)) == 0.5  # right in the query, wrong in the video
    assert moment_iou((0, 2, 3, 5), (0, 4, 3, 7)) == pytest.approx(0.5)


def test_right_video_with_wrong_moment_is_not_correct():
    truth = {"src": (0.0, 4.0, 3.0, 7.0)}
    good = query_metrics([("src", [(0, 4, 3, 7)]), ("x", [])], {"src"}, truth)
    assert good == {"p@1": 1.0, "p@10": 0.1, "hit@10": 1.0, "ap": 1.0, "moment_found": 1.0}
    bad = query_metrics([("src", [(0, 4, 20, 24)])], {"src"}, truth)  # video IoU 0, query IoU 1: mean 0.5 ...
    assert bad["p@1"] == 1.0  # ... which is exactly the 0.5 bar
    worse = query_metrics([("src", [(5, 9, 20, 24)])], {"src"}, truth)
    assert worse["p@1"] == 0.0 and worse["ap"] == 0.0 and worse["moment_found"] == 0.0


def test_average_precision_over_two_relevant():
    m = query_metrics([("x", []), ("a", []), ("y", []), ("b", [])], {"a", "b"}, {})
    assert m["p@1"] == 0.0 and m["ap"] == pytest.approx((1 / 2 + 2 / 4) / 2) and m["p@10"] == 0.2
    assert query_metrics([], {"a"}, {})["ap"] == 0.0
    assert m["moment_found"] is None  # no true segment: moments are not judged
