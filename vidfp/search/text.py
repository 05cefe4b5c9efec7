"""Plain-text rendering of search results (the ``vidfp search`` output without --json)."""

from __future__ import annotations

from vidfp.search.engine import QueryResult


def _t(s: float) -> str:
    m, sec = divmod(max(s, 0.0), 60)
    return f"{int(m)}:{sec:04.1f}"


def format_results(results: list[QueryResult]) -> str:
    lines: list[str] = []
    for r in results:
        if r.error:
            lines.append(f"{r.query}: could not be read: {r.error}")
            continue
        dur = f"{r.duration_s:.1f} s, " if r.duration_s else ""
        lines.append(f"{r.query} ({dur}{r.n_frames} frames): {len(r.hits)} match{'es' if len(r.hits) != 1 else ''}")
        for h in r.hits:
            kind = "duplicate" if h.is_duplicate else "partial copy" if h.is_partial else "below threshold"
            lines.append(f"  {h.rank:>2}. {h.similarity:.3f}  {kind:<15}  {h.uri}")
            for m in h.moments:
                lines.append(
                    f"        query {_t(m.query_start_s)}–{_t(m.query_end_s)}  ↔  video "
                    f"{_t(m.video_start_s)}–{_t(m.video_end_s)}  (frame similarity {m.score:.2f})"
                )
    return "\n".join(lines)
