"""What a reader needs to know about a catalog to compare new clips with it.

A query clip must be decoded, encoded and scored exactly as the catalog's own
videos were, or its similarities mean nothing.  The catalog records that:

- ``videos.encoder / model / weights_sha / feature_key`` name the encoder and the
  feature key (encoder + sampling) of every fingerprinted video;
- each shard's Parquet metadata holds the exact encoder key (``vidfp.encoder_key``);
- ``runs.config`` holds the IngestConfig of every run (sampling fps, frame cap,
  border removal, candidate and scoring settings);
- ``calibration`` holds the background that places the similarity thresholds.

Everything here opens the catalog **read-only** and closes it before returning,
so a reader never holds the file (a writer publishing a new snapshot is never
blocked by it) and never changes a byte of it.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

import duckdb

from vidfp.config import CandidateConfig, DecodeConfig, IngestConfig, ScoringConfig
from vidfp.encoders.base import Encoder
from vidfp.similarity.calibration import Calibration
from vidfp.store.catalog import Catalog

log = logging.getLogger(__name__)


class CatalogUnreadable(RuntimeError):
    """The catalog cannot be opened for reading (missing, locked by a writer, not a catalog)."""


class EmptyCatalog(CatalogUnreadable):
    """The catalog has no fingerprinted video yet (nothing to search or compare)."""


class IncompatibleQuery(RuntimeError):
    """The query cannot be encoded the way the catalog was (other encoder, weights or sampling)."""


@contextmanager
def read_only(db: str) -> Iterator[Catalog]:
    """The catalog opened read-only, closed on exit; clear errors instead of DuckDB's."""
    if not os.path.isfile(db):
        raise CatalogUnreadable(f"no catalog at {db!r}")
    try:
        cat = Catalog(db, read_only=True)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise CatalogUnreadable(
                f"catalog {db!r} is open for writing by another process (a run holds it); try again when it is done"
            ) from None
        raise CatalogUnreadable(f"cannot open catalog {db!r}: {e}") from None
    except (duckdb.Error, RuntimeError) as e:  # not a catalog, or a schema this vidfp cannot read
        raise CatalogUnreadable(f"cannot read catalog {db!r}: {e}") from None
    try:
        yield cat
    finally:
        cat.close()


# Fields added after catalogs existed whose default is not what older catalogs did: a stored
# configuration without the field ran with this value (framing became a default in the third round;
# framing at the video's own size in the eighth; the camera's reliability correction in the fifteenth).
_BEFORE_FIELD: dict[type, dict[str, Any]] = {
    DecodeConfig: {"blurred_fill": False, "find_inset": False, "framing_side": 0},
    ScoringConfig: {
        "camera_min_peak": 0.05,
        "refine_fps": 0.0,
        "w_activity": 0.0,
        "path_trim": 0.0,
        "camera_lags_s": (),
        "camera_reliability_floor": None,
    },
}


def _from_dict(cls, d: dict[str, Any] | None):
    """A config dataclass from stored JSON, ignoring keys this version does not know.

    A field the stored JSON lacks takes the value runs had before the field existed
    (``_BEFORE_FIELD``), else the current default."""
    names = {f.name for f in fields(cls)}
    stored = {k: (tuple(v) if isinstance(v, list) else v) for k, v in (d or {}).items() if k in names}
    return cls(**{**_BEFORE_FIELD.get(cls, {}), **stored})


@dataclass(frozen=True)
class CatalogSettings:
    db: str
    encoder: str  # videos.encoder, e.g. 'baseline'
    model: str
    weights_sha: str
    feature_key: str  # the feature key most ok videos carry
    encoder_key: str | None  # from the shards' metadata
    decode: DecodeConfig
    candidates: CandidateConfig
    scoring: ScoringConfig
    calibration: Calibration | None  # stored for encoder_key, or None
    n_videos: int

    @property
    def shard_root(self) -> str:
        from vidfp.pipeline.extract import default_shard_root

        return default_shard_root(self.db)


def _run_config(cat: Catalog) -> dict[str, Any]:
    """IngestConfig JSON of the newest successful run (else the newest run, else {})."""
    row = cat.con.execute(
        "SELECT config FROM runs WHERE config IS NOT NULL ORDER BY (status = 'ok') DESC, started_at DESC LIMIT 1"
    ).fetchone()
    if not row:
        return {}
    try:
        return json.loads(row[0])
    except (TypeError, ValueError):
        log.warning("runs.config is not JSON; using default settings")
        return {}


def _shard_encoder_key(shard_uri: str | None) -> str | None:
    if not shard_uri:
        return None
    import pyarrow.parquet as pq
    from fsspec.core import url_to_fs

    try:
        fs, path = url_to_fs(shard_uri)
        with fs.open(path, "rb") as f:
            meta = pq.read_schema(f).metadata or {}
    except (OSError, ValueError) as e:
        log.warning("cannot read shard %s: %s", shard_uri, e)
        return None
    key = meta.get(b"vidfp.encoder_key")
    return key.decode() if key else None


def read_settings(db: str) -> CatalogSettings:
    """Encoder, sampling, scoring and calibration of the catalog at ``db`` (opened read-only)."""
    with read_only(db) as cat:
        rows = cat.con.execute(
            "SELECT encoder, model, weights_sha, feature_key, shard_uri FROM videos WHERE status = 'ok' "
            "AND encoder IS NOT NULL"
        ).fetchall()
        if not rows:
            raise EmptyCatalog(f"catalog {db!r} holds no fingerprinted video yet")
        (enc, model, wsha, fkey), n = Counter(r[:4] for r in rows).most_common(1)[0]
        if n < len(rows):
            log.warning(
                "%d of %d videos carry another feature key (a rescan is due); using the majority's",
                len(rows) - n,
                len(rows),
            )
        shard = next(r[4] for r in rows if r[:4] == (enc, model, wsha, fkey))
        cfg = _run_config(cat)
        ekey = _shard_encoder_key(shard)
        cal = None
        if ekey:
            try:
                row = cat.calibration(ekey)
            except duckdb.CatalogException:  # catalog older than the calibration table
                row = None
            cal = Calibration(row[0], row[1], row[2], row[3]) if row else None
    return CatalogSettings(
        db=db,
        encoder=enc,
        model=model or "",
        weights_sha=wsha or "",
        feature_key=fkey,
        encoder_key=ekey,
        decode=_from_dict(DecodeConfig, cfg.get("decode")),
        candidates=_from_dict(CandidateConfig, cfg.get("candidates")),
        scoring=_from_dict(ScoringConfig, cfg.get("scoring")),
        calibration=cal,
        n_videos=len(rows),
    )


def make_encoder(s: CatalogSettings, weights: str | None = None, device: str | None = None) -> Encoder:
    """The catalog's encoder, checked to produce the catalog's feature key.

    ``weights``: DINOv3 weights file (else the Hugging Face cache copy, as for ingest).
    """
    from vidfp.encoders import get_encoder

    key = (s.encoder_key or "").split(":")  # sscd:{model}:{sha}:s{size}:{layout}:v1, dinov3:{model}:{sha}:s{size}:…
    size = next((int(k[1:]) for k in key[3:4] if k[:1] == "s" and k[1:].isdigit()), None)
    if s.encoder == "baseline":
        grid, px = 3, 144  # model is 'grid{g}-{size}px'
        if s.model.startswith("grid") and s.model.endswith("px"):
            g, _, p = s.model[4:-2].partition("-")
            grid, px = int(g), int(p)
        enc = get_encoder("baseline", grid=grid, size=px)
    elif s.encoder == "dinov3":
        enc = get_encoder(
            "dinov3", model=s.model, weights_path=weights, device=device, **({"size": size} if size else {})
        )
    elif s.encoder in ("sscd", "sscd-distilled"):
        layout = s.model.partition(":")[2]  # model is '{file}.onnx:{layout}'
        enc = get_encoder(
            s.encoder, device=device, **({"size": size} if size else {}), **({"layout": layout} if layout else {})
        )
    else:
        raise IncompatibleQuery(
            f"catalog {s.db!r} was made with encoder {s.encoder!r}, which this search does not know how to rebuild"
        )
    key = IngestConfig(decode=s.decode).fingerprint_key(enc.key())
    if key != s.feature_key:
        detail = f"shards say {s.encoder_key!r}, this encoder is {enc.key()!r}" if s.encoder_key else ""
        raise IncompatibleQuery(
            f"cannot encode queries as catalog {s.db!r} was encoded (feature key {s.feature_key}, this one {key}; "
            f"{detail or 'sampling differs'}). For DINOv3, pass the catalog's weights file (--weights)."
        )
    return enc
