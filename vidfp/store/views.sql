-- Analyst views over a vidfp catalog: the joins users would otherwise write by hand.
-- Loaded after the schema (vidfp.store.catalog.views_sql) every time a writer opens the catalog,
-- so each catalog carries them and any DuckDB client (the duckdb shell, a notebook, a SQL IDE) sees them.
-- Plain DuckDB SQL that the 1.4 and 1.5 shells parse. URIs are the canonical file of each video
-- (videos.uri); every path of a video is in `files`.

-- Pairs judged duplicates, one row per pair, with both URIs and where the copy sits in each.
-- A user verdict overrides the score: a pair is listed when it scored as a duplicate and nobody
-- said 'not_duplicate', or when somebody said 'duplicate' (decided_by tells which).
-- Both videos are present (status 'ok'); segments is a list ordered by seg_idx (empty for a
-- verdict on a pair that was never scored).
CREATE OR REPLACE VIEW duplicate_pairs AS
WITH judged AS (
    SELECT coalesce(p.video_a, v.video_a) AS video_a, coalesce(p.video_b, v.video_b) AS video_b,
           p.similarity, p.coverage, p.flipped, p.is_duplicate, v.verdict
    FROM pair_scores p
    FULL OUTER JOIN pair_verdicts v ON v.video_a = p.video_a AND v.video_b = p.video_b
)
SELECT j.video_a, va.uri AS uri_a, va.duration_s AS duration_a_s,
       j.video_b, vb.uri AS uri_b, vb.duration_s AS duration_b_s,
       j.similarity, j.coverage, j.flipped,
       CASE WHEN j.verdict IS NULL THEN 'score' ELSE 'verdict' END AS decided_by,
       (SELECT count(*) FROM matched_segments s
        WHERE s.video_a = j.video_a AND s.video_b = j.video_b) AS n_segments,
       coalesce((SELECT list(struct_pack(a_start_s := s.a_start_s, a_end_s := s.a_end_s,
                                         b_start_s := s.b_start_s, b_end_s := s.b_end_s, score := s.score)
                             ORDER BY s.seg_idx)
                 FROM matched_segments s WHERE s.video_a = j.video_a AND s.video_b = j.video_b), []) AS segments
FROM judged j
JOIN videos va ON va.video_id = j.video_a
JOIN videos vb ON vb.video_id = j.video_b
WHERE va.status = 'ok' AND vb.status = 'ok'
  AND ((coalesce(j.is_duplicate, false) AND j.verdict IS DISTINCT FROM 'not_duplicate') OR j.verdict = 'duplicate');

-- The same pairs, one row per matched segment: flat columns for tools that do not show lists (CSV, BI).
CREATE OR REPLACE VIEW duplicate_segments AS
SELECT d.video_a, d.uri_a, d.video_b, d.uri_b, d.similarity, d.flipped,
       s.seg_idx, s.a_start_s, s.a_end_s, s.b_start_s, s.b_end_s, s.score AS segment_score
FROM duplicate_pairs d
JOIN matched_segments s ON s.video_a = d.video_a AND s.video_b = d.video_b;

-- Members of every duplicate cluster with two or more videos (singletons are in duplicate_clusters),
-- with the canonical URI, its media facts and every path the same bytes were seen at.
CREATE OR REPLACE VIEW cluster_members AS
SELECT c.cluster_id, c.cluster_size, c.video_id, v.uri, v.duration_s, v.width, v.height, v.fps, v.size_bytes,
       (SELECT list(f.uri ORDER BY f.uri) FROM files f WHERE f.video_id = c.video_id) AS file_uris
FROM duplicate_clusters c
JOIN videos v ON v.video_id = c.video_id
WHERE c.cluster_size > 1;

-- Every file path whose video could not be read, with the reason (a video seen at several paths
-- is listed once per path).
CREATE OR REPLACE VIEW failed_files AS
SELECT f.uri, f.video_id, v.error, v.attempts
FROM files f
JOIN videos v ON v.video_id = f.video_id
WHERE v.status = 'failed';
