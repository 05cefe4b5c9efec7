"""Human-readable summary of a catalog: clusters, segments, failures."""

from __future__ import annotations

import duckdb


def print_report(db: str, max_rows: int = 40) -> None:
    con = duckdb.connect(db, read_only=True)
    try:
        # file names: regexp_extract(uri, '[^/]*$') is the part after the last slash
        rows = con.execute("""
            SELECT c.cluster_id, c.cluster_size, regexp_extract(v.uri, '[^/]*$') FROM duplicate_clusters c
            JOIN videos v USING (video_id) WHERE c.cluster_size > 1
            ORDER BY c.cluster_size DESC, c.cluster_id, 3""").fetchall()
        print("\nduplicate clusters:")
        last = None
        for cid, size, f in rows:
            if cid != last:
                print(f"  cluster {cid} ({size} videos)")
                last = cid
            print(f"    {f}")
        rows = con.execute(
            """
            SELECT regexp_extract(a.uri, '[^/]*$'), regexp_extract(b.uri, '[^/]*$'),
                   s.a_start_s, s.a_end_s, s.b_start_s, s.b_end_s, p.similarity
            FROM matched_segments s JOIN pair_scores p USING (video_a, video_b)
            JOIN videos a ON a.video_id = s.video_a JOIN videos b ON b.video_id = s.video_b
            WHERE p.is_duplicate ORDER BY p.similarity DESC LIMIT ?""",
            [max_rows],
        ).fetchall()
        print("\nmatched segments of duplicate pairs (seconds):")
        for a, b, s1, e1, s2, e2, sim in rows:
            print(f"  {sim:.3f}  {a} [{s1:.1f}-{e1:.1f}]  ~  {b} [{s2:.1f}-{e2:.1f}]")
        rows = con.execute(
            "SELECT regexp_extract(uri, '[^/]*$'), error FROM videos WHERE status = 'failed' ORDER BY 1"
        ).fetchall()
        print("\nfailed files:")
        for f, err in rows:
            print(f"  {f}: {err.splitlines()[0][:100] if err else ''}")
    finally:
        con.close()
