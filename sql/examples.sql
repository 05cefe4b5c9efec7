-- Example queries over a vidfp catalog:  duckdb vidfp-demo/demo.duckdb < sql/examples.sql

-- Duplicate clusters with their files, largest first.
SELECT c.cluster_id, c.cluster_size, v.uri, v.duration_s
FROM duplicate_clusters c JOIN videos v USING (video_id)
WHERE c.cluster_size > 1
ORDER BY c.cluster_size DESC, c.cluster_id, v.uri;

-- Where the copied part sits in each video, for duplicate pairs.
SELECT a.uri AS video_a_uri, b.uri AS video_b_uri, s.a_start_s, s.a_end_s, s.b_start_s, s.b_end_s,
       p.similarity, p.flipped
FROM matched_segments s
JOIN pair_scores p USING (video_a, video_b)
JOIN videos a ON a.video_id = s.video_a
JOIN videos b ON b.video_id = s.video_b
WHERE p.is_duplicate
ORDER BY p.similarity DESC;

-- Near misses: pairs just under the threshold, with each evidence component.
SELECT video_a, video_b, similarity, semantic, nonsemantic, frame_sim, deriv_score, traj_score, motion_score, camera_score
FROM pair_scores WHERE NOT is_duplicate AND similarity > 0.35 ORDER BY similarity DESC;

-- Files that could not be read, and why; attempts = failures in a row (ingests retry below 3).
SELECT uri, error, attempts FROM videos WHERE status = 'failed' ORDER BY uri;

-- Videos that failed before and were fingerprinted on a later try.
SELECT uri, last_error FROM videos WHERE status = 'ok' AND last_error IS NOT NULL;

-- Byte-identical files (several paths, one video_id).
SELECT video_id, list(uri ORDER BY uri) AS uris FROM files GROUP BY video_id HAVING count(*) > 1;

-- Runs, newest first.
SELECT run_id, kind, started_at, finished_at, status, n_files, n_new, n_failed, n_pairs FROM runs ORDER BY started_at DESC;

-- Frame-level fingerprints straight from the Parquet shards.
SELECT video_id, count(*) AS frames, min(t_s), max(t_s)
FROM read_parquet('vidfp-demo/demo.duckdb.shards/*.parquet') GROUP BY video_id;
