"""The one rule for which pairs a truth file judges (vidfp.eval.judged)."""

from __future__ import annotations

from vidfp.eval.judged import judged_pairs

TRUTH = {
    "groups": {
        "x": ["x.mp4", "x_flip.mp4", "x_crop.mp4", "x_piece.mp4"],
        "y": ["y.mp4", "y_grey.mp4", "comp.mp4"],
    },
    "hard_negative_pairs": [["x.mp4", "z.mp4"], ["y_grey.mp4", "gone.mp4"]],
    "segments": [
        {"a": "x.mp4", "b": "x_piece.mp4", "a_start_s": 1, "a_end_s": 3, "b_start_s": 0, "b_end_s": 2},
        {"a": "y.mp4", "b": "comp.mp4", "a_start_s": 0, "a_end_s": 2, "b_start_s": 4, "b_end_s": 6},
        {"a": "x.mp4", "b": "x_crop.mp4", "a_start_s": 0, "a_end_s": 5, "b_start_s": 0, "b_end_s": 5},
    ],
    "videos": {"x_piece.mp4": {"role": "partial"}, "comp.mp4": {"role": "compilation"}, "x.mp4": {"role": "source"}},
}
# catalog ids sort in another order than the file names; x_flip.mp4 and x_crop.mp4 share one id
VID = {
    "x.mp4": "v9",
    "x_flip.mp4": "v2",
    "x_crop.mp4": "v2",
    "x_piece.mp4": "v5",
    "y.mp4": "v1",
    "y_grey.mp4": "v7",
    "comp.mp4": "v3",
    "z.mp4": "v4",
}


def test_hosts_leave_the_groups_and_keep_a_pair_with_their_source():
    jp = judged_pairs(TRUTH, VID)
    assert jp.hosts == {"v5", "v3"}
    assert jp.groups == [["v2", "v9"], ["v1", "v7"]]  # sorted ids, one id once, hosts out
    assert jp.positives == {("v2", "v9"), ("v1", "v7")}  # no self pair from the shared id
    assert jp.partial_pairs == {("v5", "v9"), ("v1", "v3")}  # sorted, whatever the truth's order
    assert jp.hard == {("v4", "v9")}  # a pair with a file the catalog lacks is dropped


def test_a_host_is_judged_only_with_its_own_source():
    jp = judged_pairs(TRUTH, VID)
    assert jp.is_judged(("v5", "v9")) and jp.is_judged(("v9", "v5"))  # host with its source, either order
    assert not jp.is_judged(("v2", "v5"))  # host with a copy of its source
    assert not jp.is_judged(("v3", "v5"))  # two hosts
    assert jp.is_judged(("v2", "v9")) and jp.is_judged(("v4", "v7"))  # no host: judged, copy or not


def test_without_roles_nothing_is_a_host():
    truth = {k: v for k, v in TRUTH.items() if k != "videos"}
    jp = judged_pairs(truth, VID)
    assert jp.hosts == frozenset() and jp.partial_pairs == frozenset()
    assert ("v5", "v9") in jp.positives and ("v1", "v3") in jp.positives


def test_videohash_is_judged_as_vidfp_is(tmp_path, monkeypatch):
    """benchmarks/peer_videohash.evaluate: a host's pair with its source is a copy pair for µAP (not a
    negative), a host's other pairs are not judged, and hosts join no group; hashes are made up."""
    import json
    import os

    monkeypatch.syspath_prepend(os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
    from peer_videohash import evaluate

    truth = {
        "groups": {"x": ["x.mp4", "x_flip.mp4"]},  # as the generators write it: hosts in no group
        "hard_negative_pairs": [["x.mp4", "z.mp4"]],
        "segments": [{"a": "x.mp4", "b": "x_piece.mp4", "a_start_s": 1, "a_end_s": 3, "b_start_s": 0, "b_end_s": 2}],
        "videos": {"x_piece.mp4": {"role": "partial"}},
        "broken": {},
    }
    path = tmp_path / "truth.json"
    path.write_text(json.dumps(truth))
    zero, one = "0" * 64, "1" * 64
    piece = "1" * 4 + "0" * 60  # 4 bits from x: 60/64
    flip = "0" * 4 + "1" * 6 + "0" * 54  # x ~ x_flip 58/64, under the host's pairs (60/64, 54/64)
    hashes = {"/c/x.mp4": zero, "/c/x_flip.mp4": flip, "/c/x_piece.mp4": piece, "/c/z.mp4": one}
    r = evaluate(hashes, str(path))
    # positives x~x_piece (60/64) and x~x_flip (58/64) rank first; x_flip~x_piece (54/64) is not judged.
    # Read as before (the host-source pair a negative), µAP would be 1/2: x~x_piece ranked over the copy
    assert r["micro_ap"] == 1.0
    assert r["copy_over_hard_negative"] == 1.0
    assert r["hard_negatives_clustered"] == 0
    # x_piece is clustered with x (similar bits) but is in no group: precision counts that pair as false
    assert r["cluster_recall"] == 1.0 and r["cluster_precision"] < 1.0
