"""Clusters that mean "the same video" and resist chaining (vidfp.cluster)."""

import itertools

from vidfp.cluster import clusters_from_edges


def _clique(names):
    return [(a, b, True, 0.9) for a, b in itertools.combinations(names, 2)]


def _groups(clusters):
    by = {}
    for v, c in clusters.items():
        by.setdefault(c, set()).add(v)
    return sorted(sorted(g) for g in by.values())


A = [f"a{i}" for i in range(5)]
B = [f"b{i}" for i in range(5)]


def test_copies_form_one_cluster_and_ids_are_smallest_member():
    c = clusters_from_edges(A + ["x"], _clique(A))
    assert _groups(c) == [A, ["x"]]
    assert c["a3"] == "a0" and c["x"] == "x"


def test_single_false_link_does_not_merge_two_groups():
    edges = _clique(A) + _clique(B) + [("a2", "b3", True, 0.99)]  # strongest edge of all, still alone
    assert _groups(clusters_from_edges(A + B, edges)) == [A, B]
    # plain connected components (density 0) would chain them: the test can fail
    assert _groups(clusters_from_edges(A + B, edges, density=0.0)) == [sorted(A + B)]


def test_compilation_does_not_merge_the_clusters_of_its_sources():
    edges = _clique(A) + _clique(B) + [("comp", "a0", True, 0.8), ("comp", "b0", True, 0.8)]
    groups = _groups(clusters_from_edges(A + B + ["comp"], edges))
    assert sorted(A) in groups or sorted(A + ["comp"]) in groups
    assert not any(set(A) <= set(g) and set(B) <= set(g) for g in groups)


def test_dense_links_between_groups_merge_them():
    cross = [(a, b, True, 0.7) for a, b in zip(A[:3], B[:3], strict=True)]  # 3 ≥ 0.5 · 5
    assert _groups(clusters_from_edges(A + B, _clique(A) + _clique(B) + cross)) == [sorted(A + B)]


def test_edge_order_in_input_does_not_matter():
    edges = _clique(A) + _clique(B) + [(a, b, True, 0.7) for a, b in zip(A[:3], B[:3], strict=True)]
    ref = clusters_from_edges(A + B, edges)
    for seed in range(5):
        import random

        e = edges[:]
        random.Random(seed).shuffle(e)
        assert clusters_from_edges(A + B, e) == ref


def test_verdicts_override_edges():
    edges = [("a0", "a1", True, 0.9), ("a1", "a2", False, 0.3)]
    c = clusters_from_edges(["a0", "a1", "a2"], edges, {("a0", "a1"): "not_duplicate", ("a1", "a2"): "duplicate"})
    assert _groups(c) == [["a0"], ["a1", "a2"]]


def test_non_duplicate_edges_and_unknown_videos_are_ignored():
    c = clusters_from_edges(["a0", "a1"], [("a0", "a1", False, 0.9), ("a0", "gone", True, 0.9)])
    assert _groups(c) == [["a0"], ["a1"]]


def test_host_of_a_partial_copy_stays_out_through_a_subclip():
    """host holds a piece of a0 that contains all of the short sub-clip a4: one 'full' edge host~a4,
    partial relations with the other copies; the host must stay out of A's cluster."""
    edges = _clique(A) + [("a4", "host", True, 0.95)]
    edges += [(a, "host", False, 0.8, True) for a in A[:4]]
    assert _groups(clusters_from_edges(A + ["host"], edges)) == [A, ["host"]]
    # without the partial relations, in a cluster too small for the share check, the edge lets it in
    small = A[:4]
    assert _groups(clusters_from_edges(small + ["host"], _clique(small) + [("a3", "host", True, 0.95)])) == [
        sorted(small + ["host"])
    ]


def test_member_hanging_on_one_thread_of_a_large_cluster_leaves():
    edges = _clique(A) + [("a4", "x", True, 0.95)]
    assert _groups(clusters_from_edges(A + ["x"], edges)) == [A, ["x"]]
    pinned = clusters_from_edges(A + ["x"], edges, {("a4", "x"): "duplicate"})
    assert _groups(pinned) == [sorted(A + ["x"])]


def test_host_admitted_through_a_small_cluster_is_evicted():
    """host ~ sub-clip a4 and ~ short speed copy a3 look full (both sit inside the host's piece) and have
    the best support, so they form first; the host's partial relations with the rest then evict it."""
    edges = _clique(A) + [("a4", "host", True, 0.99), ("a3", "host", True, 0.99)]
    edges += [(a, "host", False, 0.8, True) for a in A[:3]]
    groups = _groups(clusters_from_edges(A + ["host"], edges))
    assert groups == [A, ["host"]]


def test_a_copy_with_one_stray_partial_relation_stays():
    edges = [e for e in _clique(A) if {e[0], e[1]} != {"a0", "a4"}] + [("a0", "a4", False, 0.8, True)]
    assert _groups(clusters_from_edges(A, edges)) == [A]
