"""Sharpen the ends of partial-copy segments on frames decoded between the fingerprint samples.

A partial copy is the relation users look at to learn *where* a piece sits, and its ends from
the fingerprints are only as precise as their sampling step (vidfp.similarity.refine).  After
scoring, for the pairs flagged ``is_partial``, in two rounds of decoding:

1. at probes inside each segment (three; in a short one its middle) and B at shifts around them:
   the time map's offset (``measured_line``);
2. around each end, along that map: the ends (``refine_ends``, at the pair's level ``pair_tau``).

Frames are decoded in isolated children like fingerprinting (vidfp.decode.isolation: a file that
hangs or crashes the decoder costs its time limit and keeps the coarse ends), together with the
video's fingerprint samples, so the framing (borders, blurred fill, inset) is decided on exactly
the frames it was decided on before and applied unchanged to the new ones
(``decode_video``'s ``frame_on``); B is mirrored when the pair was scored mirrored.  They are
compared by the encoder's whole-frame descriptor (``Encoder.encode_whole``; SSCD: 1 of its 12
embeddings per frame).

Cost is kept to a few pairs (``plan``): a partial pair that shares a video v with a pair already
refined, whose other video is a duplicate of that pair's other video (a host against every copy of
its source) and whose coarse ends on v are the same within 1.5 steps, takes that pair's refined
ends on v and moves its own ends on the other video by as much along its map, without decoding.
Coverage and the duplicate / partial flags stay those of the coarse segments, so refinement never
changes a cluster.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from vidfp.config import DecodeConfig
from vidfp.encoders.base import Encoder
from vidfp.pipeline.refine_plan import moved, partial, plan, same_piece
from vidfp.records import FrameRecord
from vidfp.similarity.refine import end_instants, measured_line, pair_tau, probe_instants, refine_ends
from vidfp.similarity.scoring import PairResult, record_duration, sample_step

log = logging.getLogger(__name__)

WINDOW_STEPS = 1.5  # look this many fingerprint steps either way of a coarse end (it may be a sample off)
SAME_END_STEPS = 1.5  # two pairs' coarse ends on a shared video this close (in its steps) are the same end


def decode_at(
    uri: str,
    video_id: str,
    size: tuple[int, int],
    cfg: DecodeConfig,
    coarse_t: np.ndarray,
    at_s: np.ndarray,
    mirror: bool = False,
    encoder: Encoder | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Child-process job: frames on screen at ``at_s`` (seconds), framed like the fingerprints, and
    mirrored left-right with ``mirror``.

    Returns (t_s float64 [n] frame start times, pixels uint8 [n, H, W, 3]) of the frames on screen at
    ``at_s``; the fingerprint samples ``coarse_t`` are decoded too, only to decide the framing.  With
    ``encoder`` (one that ``runs_in_worker``), their whole-frame descriptors [n, D'] instead of pixels."""
    from vidfp.decode.reader import decode_video
    from vidfp.pipeline.extract import fetch_within_limit

    path, on_probe = fetch_within_limit(uri, cfg)  # the fingerprinting job's time limit
    rec, _ = decode_video(
        path, video_id, size, cfg, on_probe=on_probe, at_s=np.union1d(coarse_t, at_s), frame_on=coarse_t
    )
    # the frames on screen at the wanted instants (the fingerprint samples were decoded only for framing)
    keep = np.unique(np.clip(np.searchsorted(rec.t_s, at_s + 1e-6, side="right") - 1, 0, rec.n_frames - 1))
    pixels = rec.pixels[keep]
    pixels = np.ascontiguousarray(pixels[:, :, ::-1]) if mirror else pixels
    return rec.t_s[keep], (encoder.encode_whole(pixels) if encoder is not None else pixels)


def refine_results(
    results: list[PairResult],
    records: dict[str, FrameRecord],
    uris: dict[str, str],
    encoder: Encoder,
    cfg: DecodeConfig,
    refine_fps: float,
    workers: int = 2,
    dup_edges: Iterable[tuple[str, str]] = (),
    select: Callable[[PairResult], bool] = partial,
) -> list[PairResult]:
    """``results`` with the segments of the pairs ``select`` picks (partial copies) refined (module
    doc); same order."""
    if refine_fps <= 0:
        return results
    tol = {v: SAME_END_STEPS * sample_step(rec.t_s) for v, rec in records.items()}
    p = plan(results, dup_edges, tol, select)
    if not p.direct:
        return results
    dt = 1.0 / refine_fps
    steps = {k: sample_step(records[results[k].video_a].t_s) for k in p.direct}
    # phase 1: the time map of each segment, from probes inside it
    want = _wants(results, {(k, i): probe_instants(s, steps[k], dt) for k in p.direct for i, s in _segs(results[k])})
    probes = _decode_all(want, records, uris, encoder, cfg, workers)
    lines = {}
    for k in p.direct:
        f = _pair_frames(results[k], probes)
        for i, s in _segs(results[k]) if f is not None else ():
            lines[(k, i)] = measured_line(s, f, steps[k], dt)
    # phase 2: the ends, along those maps
    ends = {
        key: end_instants(results[key[0]].segments[key[1]], line, dt, WINDOW_STEPS * steps[key[0]])
        for key, line in lines.items()
    }
    frames = _decode_all(_wants(results, ends), records, uris, encoder, cfg, workers)
    out = list(results)
    for k in p.direct:
        out[k] = _refine_pair(results[k], records, frames, lines, k, encoder, dt, steps[k])
    for k, (src, v) in p.transfer.items():
        r, rr, fine = results[k], results[src], out[src]
        segs = []
        match = same_piece(rr, r, v, tol[v]) or []
        for s, j in zip(r.segments, match, strict=True):
            o = r.video_b if r.video_a == v else r.video_a
            segs.append(
                moved(rr.segments[j], fine.segments[j], s, rr.video_a == v, r.video_a == v, record_duration(records[o]))
            )
        out[k] = replace(r, segments=tuple(sorted(segs, key=lambda s: s.a_start_s)))
    n_moved = sum(_ends(out[k]) != _ends(results[k]) for k in (*p.direct, *p.transfer))
    log.info(
        "segment refinement: %d pairs (%d decoded, %d by transfer), %d moved",
        len(p.direct) + len(p.transfer),
        len(p.direct),
        len(p.transfer),
        n_moved,
    )
    return out


def _ends(r: PairResult) -> list[tuple[float, float, float, float]]:
    return [(s.a_start_s, s.a_end_s, s.b_start_s, s.b_end_s) for s in r.segments]


def _segs(r: PairResult):
    return enumerate(r.segments)


def _wants(results: list[PairResult], instants: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]):
    """(video, mirrored) → instants to decode, from (pair index, segment index) → (in A, in B)."""
    want: dict[tuple[str, bool], list[np.ndarray]] = {}
    for (k, _), (ua, ub) in instants.items():
        r = results[k]
        want.setdefault((r.video_a, False), []).append(ua)
        want.setdefault((r.video_b, r.flipped), []).append(ub)  # B in the orientation it was scored in
    return want


def _decode_all(want, records, uris, encoder, cfg, workers) -> dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]]:
    """(video id, mirrored) → (t_s [n], whole-frame descriptors [n, D']) at the wanted instants;
    videos that fail to decode are left out (their pairs keep the coarse ends)."""
    from vidfp.decode.isolation import run_isolated

    job_enc = encoder.for_jobs(workers)  # None: embedded here
    jobs = []
    for (vid, mirror), ts in sorted(want.items()):
        t = np.unique(np.clip(np.concatenate(ts), 0.0, None))
        jobs.append(((vid, mirror), (uris[vid], vid, encoder.input_size, cfg, records[vid].t_s, t, mirror, job_enc)))
    out = {}
    limits = {"timeout_s": min(cfg.timeout_base_s, cfg.timeout_s), "max_timeout_s": cfg.timeout_s}
    for key, ok, value in run_isolated(decode_at, jobs, workers, **limits):
        if not ok:
            log.warning("segment refinement: cannot decode %s (%s); its segments keep their coarse ends", key[0], value)
            continue
        t, got = value
        out[key] = (t, got if job_enc is not None else encoder.encode_whole(got))
    return out


@dataclass(frozen=True)
class _Frames:
    """PairFrames over decoded frames: an instant reads the frame on screen then (the last one
    decoded that starts at or before it)."""

    ta: np.ndarray  # [na] frame start times of A
    va: np.ndarray  # [na, D] whole-frame vectors of A
    tb: np.ndarray
    vb: np.ndarray  # B's, in the pair's orientation

    @staticmethod
    def _at(t: np.ndarray, at: np.ndarray) -> np.ndarray:
        return np.clip(np.searchsorted(t, np.asarray(at) + 1e-6, side="right") - 1, 0, len(t) - 1)

    def ab(self, ta: np.ndarray, tb: np.ndarray) -> np.ndarray:
        return np.einsum("nd,nd->n", self.va[self._at(self.ta, ta)], self.vb[self._at(self.tb, tb)])


def _pair_frames(r: PairResult, frames) -> _Frames | None:
    ka, kb = (r.video_a, False), (r.video_b, r.flipped)
    return _Frames(*frames[ka], *frames[kb]) if ka in frames and kb in frames else None


def _refine_pair(r: PairResult, records, frames, lines, k: int, encoder: Encoder, dt: float, h: float) -> PairResult:
    f = _pair_frames(r, frames)
    if f is None or any((k, i) not in lines for i, _ in _segs(r)):
        return r
    ra, rb = records[r.video_a], records[r.video_b]
    gb = encoder.flip(rb.global_vecs, rb.region_vecs)[0] if r.flipped else rb.global_vecs
    dur_a, dur_b = record_duration(ra), record_duration(rb)
    m = ra.global_vecs @ gb.T  # [Ta, Tb] once per pair, for every segment's level
    segs = [
        refine_ends(s, lines[(k, i)], f, dur_a, dur_b, dt, WINDOW_STEPS * h, pair_tau(ra.global_vecs, gb, ra.t_s, s, m))
        for i, s in _segs(r)
    ]
    return replace(r, segments=tuple(segs))  # the coarse order: transfers pair segments by index
