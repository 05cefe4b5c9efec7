"""Per-frame feature shards in Parquet, written atomically over fsspec.

One shard holds the frames of a batch of videos, one row per sampled frame:

    video_id   string
    frame_idx  int64                    index in the decoded stream
    t_s        float64                  decoder presentation time (s)
    global_vec fixed_size_list<float32>[D]
    region_vecs fixed_size_list<float32>[R·Dr]   row-major [R, Dr]
    centroid_x float32, centroid_y float32       in [0, 1]
    camera_vx, camera_vy, camera_peak float32    camera motion (0 when not measured)

Schema metadata carries ``vidfp.encoder_key``, ``vidfp.regions`` (R) and
``vidfp.region_dim`` (Dr).  A shard's name is a hash of its encoder key and
video ids, so a re-run writes the same name; it is written to a temporary
name and renamed, so readers never see a partial shard.

``manifest.json`` lists the shards the catalog references and their videos.
Shard writers (fingerprint batches, possibly concurrent, possibly on other
machines) never touch it: a read-modify-write from several batches loses
entries, and object stores have neither locks nor atomic renames.  The run's
single writer derives it from the catalog after each published commit of
fingerprints (:func:`write_manifest`), so it lists what the published catalog
references (a run killed between the two leaves it one commit behind until the
next run).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid

import fsspec
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.core import url_to_fs

from vidfp.records import FrameRecord

log = logging.getLogger(__name__)

TMP_PREFIX = ".tmp-"


def _atomic_write(fs: fsspec.AbstractFileSystem, path: str, write) -> None:
    parent = path.rsplit("/", 1)[0]
    tmp = f"{parent}/{TMP_PREFIX}{uuid.uuid4().hex}"
    fs.makedirs(parent, exist_ok=True)
    try:
        with fs.open(tmp, "wb") as f:
            write(f)
        fs.mv(tmp, path)
    finally:
        if fs.exists(tmp):
            fs.rm(tmp)


def shard_name(records: list[FrameRecord], encoder_key: str) -> str:
    h = hashlib.sha256(encoder_key.encode())
    for vid in sorted(r.video_id for r in records):
        h.update(vid.encode())
    return f"part-{h.hexdigest()[:20]}.parquet"


def records_to_table(records: list[FrameRecord], encoder_key: str) -> pa.Table:
    if not records:
        raise ValueError("no records")
    r0 = records[0]
    _, nr, dr = r0.region_vecs.shape
    dg = r0.global_vecs.shape[1]
    cols: dict[str, list] = {k: [] for k in ("video_id", "frame_idx", "t_s", "g", "r", "cx", "cy", "cam")}
    for r in records:
        if r.region_vecs.shape[1:] != (nr, dr) or r.global_vecs.shape[1] != dg:
            raise ValueError("records in one shard must share feature shapes")
        cols["video_id"].append(np.full(r.n_frames, r.video_id, dtype=object))
        cols["frame_idx"].append(np.asarray(r.frame_idx, np.int64))
        cols["t_s"].append(np.asarray(r.t_s, np.float64))
        cols["g"].append(r.global_vecs.reshape(-1))
        cols["r"].append(r.region_vecs.reshape(-1))
        cols["cx"].append(r.centroids[:, 0])
        cols["cy"].append(r.centroids[:, 1])
        cols["cam"].append(r.camera if r.camera is not None else np.zeros((r.n_frames, 3), np.float32))
    cat = {k: np.concatenate(v) for k, v in cols.items()}
    table = pa.table(
        {
            "video_id": pa.array(cat["video_id"], pa.string()),
            "frame_idx": pa.array(cat["frame_idx"]),
            "t_s": pa.array(cat["t_s"]),
            "global_vec": pa.FixedSizeListArray.from_arrays(pa.array(cat["g"].astype(np.float32)), dg),
            "region_vecs": pa.FixedSizeListArray.from_arrays(pa.array(cat["r"].astype(np.float32)), nr * dr),
            "centroid_x": pa.array(cat["cx"].astype(np.float32)),
            "centroid_y": pa.array(cat["cy"].astype(np.float32)),
            "camera_vx": pa.array(cat["cam"][:, 0].astype(np.float32)),
            "camera_vy": pa.array(cat["cam"][:, 1].astype(np.float32)),
            "camera_peak": pa.array(cat["cam"][:, 2].astype(np.float32)),
        }
    )
    meta = {
        b"vidfp.encoder_key": encoder_key.encode(),
        b"vidfp.regions": str(nr).encode(),
        b"vidfp.region_dim": str(dr).encode(),
    }
    return table.replace_schema_metadata(meta)


def write_shard(records: list[FrameRecord], root: str, encoder_key: str) -> str:
    """Write ``records`` as one shard under ``root``; return the shard's URI."""
    fs, base = url_to_fs(root)
    table = records_to_table(records, encoder_key)
    path = f"{base.rstrip('/')}/{shard_name(records, encoder_key)}"
    _atomic_write(fs, path, lambda f: pq.write_table(table, f, compression="zstd"))
    return path if fs.protocol in ("file", ("file", "local")) else fs.unstrip_protocol(path)


def write_manifest(root: str, entries: list[dict]) -> dict:
    """Write ``<root>/manifest.json`` from catalog rows (``shard_uri, videos, rows,
    feature_key, encoder``), keeping the shards that live under ``root``; atomic replace.
    Called by the run's single writer only."""
    fs, base = url_to_fs(root)
    base = base.rstrip("/")
    shards = {}
    for e in entries:
        _, path = url_to_fs(e["shard_uri"])
        parent, name = path.rsplit("/", 1)
        if parent == base:
            shards[name] = {
                "videos": sorted(e["videos"]),
                "rows": int(e["rows"] or 0),
                "feature_key": e["feature_key"],
                "encoder": e["encoder"],
            }
    manifest = {"version": 2, "shards": shards}
    data = json.dumps(manifest, indent=1, sort_keys=True).encode()
    _atomic_write(fs, f"{base}/manifest.json", lambda f: f.write(data))
    return manifest


def read_shard(uri: str, video_ids: set[str] | None = None) -> list[FrameRecord]:
    """Read a shard back into records (optionally only some videos), in file order."""
    fs, path = url_to_fs(uri)
    with fs.open(path, "rb") as f:
        table = pq.read_table(f)
    meta = table.schema.metadata or {}
    nr, dr = int(meta[b"vidfp.regions"]), int(meta[b"vidfp.region_dim"])
    vids = table.column("video_id").to_numpy(zero_copy_only=False)
    g = np.stack(table.column("global_vec").to_numpy(zero_copy_only=False)) if len(table) else None
    r = table.column("region_vecs").combine_chunks().flatten().to_numpy().reshape(len(table), nr, dr)
    fidx = table.column("frame_idx").to_numpy()
    ts = table.column("t_s").to_numpy()
    cen = np.stack([table.column("centroid_x").to_numpy(), table.column("centroid_y").to_numpy()], axis=1)
    if "camera_vx" in table.column_names:
        cam = np.stack([table.column(c).to_numpy() for c in ("camera_vx", "camera_vy", "camera_peak")], axis=1)
    else:  # shards written before camera motion existed
        cam = np.zeros((len(table), 3), np.float32)
    out = []
    order = []
    for v in vids:
        if not order or order[-1] != v:
            order.append(v)
    for v in order:
        if video_ids is not None and v not in video_ids:
            continue
        m = vids == v
        out.append(
            FrameRecord(
                video_id=str(v),
                t_s=ts[m],
                frame_idx=fidx[m],
                global_vecs=g[m].astype(np.float32),
                region_vecs=r[m],
                centroids=cen[m].astype(np.float32),
                camera=cam[m].astype(np.float32),
            )
        )
    return out


def clean_orphans(root: str) -> int:
    """Remove temporary files left by a killed writer; returns how many."""
    fs, base = url_to_fs(root)
    if not fs.exists(base):
        return 0
    n = 0
    for p in fs.ls(base, detail=False):
        if p.rsplit("/", 1)[-1].startswith(TMP_PREFIX):
            fs.rm(p)
            n += 1
    return n
