-- vidfp catalog schema (DuckDB). These names and columns are a contract:
-- users write SQL against them. Times are seconds; similarities are in [0, 1].
-- This file is the current schema, used to create new catalogs; older catalogs are
-- upgraded in place by vidfp/store/migrations.py (the schema only grows).

-- Schema versions this catalog holds (one row per version; the current one is the largest).
CREATE TABLE IF NOT EXISTS schema_version (
    version      INTEGER PRIMARY KEY,
    description  VARCHAR,
    applied_at   TIMESTAMP
);

-- One row per ingest/rescan run.
CREATE TABLE IF NOT EXISTS runs (
    run_id       VARCHAR PRIMARY KEY,
    kind         VARCHAR,          -- 'ingest' | 'rescan'
    started_at   TIMESTAMP,
    finished_at  TIMESTAMP,
    status       VARCHAR,          -- 'running' | 'ok' | 'failed' | 'crashed' (died; found by the next run)
    source       VARCHAR,
    n_files      INTEGER,
    n_new        INTEGER,
    n_failed     INTEGER,
    n_pairs      INTEGER,
    config       VARCHAR           -- JSON of the run's IngestConfig
);

-- One row per distinct video content (video_id = first 16 hex of BLAKE2b-128
-- of the bytes; unreadable files get 'u' + a hash of their URI).
CREATE TABLE IF NOT EXISTS videos (
    video_id     VARCHAR PRIMARY KEY,
    uri          VARCHAR NOT NULL, -- canonical location (first by sort order)
    content_hash VARCHAR,
    size_bytes   BIGINT,
    duration_s   DOUBLE,
    fps          DOUBLE,           -- average frame rate reported by the container
    width        INTEGER,
    height       INTEGER,
    n_frames     INTEGER,          -- sampled frames fingerprinted
    status       VARCHAR NOT NULL, -- 'ok' | 'failed' | 'missing'
    error        VARCHAR,          -- reason when failed
    encoder      VARCHAR,          -- 'baseline' | 'dinov3'
    model        VARCHAR,
    weights_sha  VARCHAR,
    feature_key  VARCHAR,          -- encoder + sampling config hash; stale when it changes
    shard_uri    VARCHAR,          -- Parquet shard holding its frames
    scored       BOOLEAN DEFAULT FALSE, -- its candidate pairs are scored and stored
    ingested_at  TIMESTAMP,
    run_id       VARCHAR,          -- run that last changed the row
    attempts     INTEGER DEFAULT 0, -- failed fingerprint attempts in a row (0 once ok); retried below max_attempts
    last_error   VARCHAR,          -- reason of the latest failure, kept after a later success
    decode_note  VARCHAR           -- what the decoder noted (e.g. a fallback it took), if anything
);

-- Every file seen, so renamed/moved copies and byte-identical files are visible.
CREATE TABLE IF NOT EXISTS files (
    uri          VARCHAR PRIMARY KEY,
    video_id     VARCHAR NOT NULL,
    size_bytes   BIGINT,
    mtime        DOUBLE,
    run_id       VARCHAR
);

-- One row per scored candidate pair, video_a < video_b.
CREATE TABLE IF NOT EXISTS pair_scores (
    video_a      VARCHAR NOT NULL,
    video_b      VARCHAR NOT NULL,
    similarity   DOUBLE NOT NULL,  -- fused score the threshold applies to
    is_duplicate BOOLEAN NOT NULL,  -- the same video: similarity ≥ threshold and coverage ≥ min_coverage
    is_partial   BOOLEAN,          -- similarity ≥ threshold but a part only: a partial copy (never clusters)
    semantic     DOUBLE,           -- aligned region-Chamfer evidence
    nonsemantic  DOUBLE,           -- the non-semantic signals' blended agreement (*_score columns)
    frame_sim    DOUBLE,           -- mean Chamfer similarity along the best path
    deriv_score  DOUBLE,
    traj_score   DOUBLE,           -- attention/gradient-energy centroid trajectory agreement
    motion_score DOUBLE,           -- region-flow motion agreement
    camera_score DOUBLE,           -- camera-velocity (phase correlation) agreement
    activity_score DOUBLE,         -- agreement of when the picture changes (NULL: scored before schema 5)
    path_frames  INTEGER,
    coverage     DOUBLE,           -- share of the shorter video the matched segments cover (duplicate: most of it)
    flipped      BOOLEAN,          -- B matched in mirrored orientation
    votes        DOUBLE,           -- FAISS kNN votes that made it a candidate
    run_id       VARCHAR,
    PRIMARY KEY (video_a, video_b)
);

-- Where the copied part sits in each video of a pair (zero or more per pair).
CREATE TABLE IF NOT EXISTS matched_segments (
    video_a      VARCHAR NOT NULL,
    video_b      VARCHAR NOT NULL,
    seg_idx      INTEGER NOT NULL,
    a_start_s    DOUBLE NOT NULL,
    a_end_s      DOUBLE NOT NULL,
    b_start_s    DOUBLE NOT NULL,
    b_end_s      DOUBLE NOT NULL,
    score        DOUBLE,
    PRIMARY KEY (video_a, video_b, seg_idx)
);

-- Duplicate clusters (density-gated linkage over duplicate pairs, vidfp.cluster); every 'ok' video exactly once.
-- cluster_id is the smallest video_id in the cluster (stable across runs).
CREATE TABLE IF NOT EXISTS duplicate_clusters (
    cluster_id   VARCHAR NOT NULL,
    video_id     VARCHAR PRIMARY KEY,
    cluster_size INTEGER NOT NULL
);

-- User verdicts override the threshold when clustering.
CREATE TABLE IF NOT EXISTS pair_verdicts (
    video_a      VARCHAR NOT NULL,
    video_b      VARCHAR NOT NULL,
    verdict      VARCHAR NOT NULL, -- 'duplicate' | 'not_duplicate'
    note         VARCHAR,
    decided_at   TIMESTAMP,
    PRIMARY KEY (video_a, video_b)
);

-- The background that places the frame-similarity thresholds (vidfp.similarity.calibration).
CREATE TABLE IF NOT EXISTS calibration (
    encoder_key  VARCHAR PRIMARY KEY,
    center       DOUBLE NOT NULL,  -- median frame-pair similarity of random (unrelated) catalog videos
    scale        DOUBLE NOT NULL,  -- robust spread, 1.4826 · MAD
    n_pairs      INTEGER,          -- background pairs measured (0: the encoder's prior)
    source       VARCHAR,          -- 'background' | 'prior'
    computed_at  TIMESTAMP,
    run_id       VARCHAR
);

-- Partial copies: a part of one video inside another, with where it sits in each (one row per segment).
CREATE OR REPLACE VIEW partial_copies AS
SELECT p.video_a, va.uri AS uri_a, p.video_b, vb.uri AS uri_b, p.similarity, p.coverage,
       s.seg_idx, s.a_start_s, s.a_end_s, s.b_start_s, s.b_end_s, s.score AS segment_score
FROM pair_scores p
JOIN videos va ON va.video_id = p.video_a
JOIN videos vb ON vb.video_id = p.video_b
JOIN matched_segments s ON s.video_a = p.video_a AND s.video_b = p.video_b
WHERE p.is_partial;
