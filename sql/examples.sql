-- Example queries over a vidfp catalog. Read-only, in the duckdb shell that vidfp installs:
--   duckdb -readonly catalog.duckdb < sql/examples.sql
-- or: vidfp sql --db catalog.duckdb -f sql/examples.sql
-- The views (duplicate_pairs, duplicate_segments, cluster_members, failed_files) are in sql/views.sql.

-- Duplicate clusters with their files, largest first.
SELECT cluster_id, cluster_size, uri, duration_s, file_uris
FROM cluster_members
ORDER BY cluster_size DESC, cluster_id, uri;

-- Duplicate pairs with both files and where the copied part sits in each (seconds).
SELECT uri_a, a_start_s, a_end_s, uri_b, b_start_s, b_end_s, similarity, flipped
FROM duplicate_segments
ORDER BY similarity DESC, uri_a, uri_b, seg_idx;

-- Near misses: the closest pairs that are not duplicates, with each evidence component.
SELECT a.uri AS uri_a, b.uri AS uri_b, p.similarity, p.semantic, p.nonsemantic, p.coverage, p.frame_sim,
       p.deriv_score, p.traj_score, p.motion_score, p.camera_score, p.activity_score
FROM pair_scores p
JOIN videos a ON a.video_id = p.video_a
JOIN videos b ON b.video_id = p.video_b
WHERE NOT p.is_duplicate
ORDER BY p.similarity DESC
LIMIT 20;

-- Files that could not be read, and why.
SELECT uri, error FROM failed_files ORDER BY uri;

-- Videos still failing, with how many times in a row (ingests retry them below --max-attempts, 3).
-- (Videos that failed before and were fingerprinted on a later try: status = 'ok' AND last_error IS NOT NULL.)
SELECT uri, error, attempts FROM failed_files ORDER BY attempts DESC, uri;

-- Runs, newest first.
SELECT run_id, kind, started_at, finished_at, status, n_files, n_new, n_failed, n_pairs FROM runs ORDER BY started_at DESC;

-- Frame-level fingerprints straight from the Parquet shards. The shard locations come from the
-- catalog (videos.shard_uri; local paths or fsspec URIs), so this works wherever the catalog points.
SET VARIABLE vidfp_shards = (SELECT list(DISTINCT shard_uri ORDER BY shard_uri) FROM videos
                             WHERE status = 'ok' AND shard_uri IS NOT NULL);
SELECT v.uri, count(*) AS frames, min(f.t_s) AS first_s, max(f.t_s) AS last_s
FROM read_parquet(getvariable('vidfp_shards')) f
JOIN videos v USING (video_id)
GROUP BY v.uri
ORDER BY v.uri;
