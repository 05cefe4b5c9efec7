"""Configuration checks that run before any work: fail in seconds, in one line, or not at all.

A run that is going to fail on its configuration should say so before it starts a Prefect
server, imports torch or decodes a file.  Each check here is cheap (stat calls, one temporary
file, a dictionary lookup, at most one TCP connect with a 3-s limit) and returns a list of
problems, one self-contained line each; an empty list means "go".  The CLI calls
:func:`check_run` first; library callers may too.

Nothing here imports Prefect, torch or a decoder.
"""

from __future__ import annotations

import errno
import math
import os
import socket
import tempfile
import threading
from urllib.parse import urlparse

HUB_CONNECT_TIMEOUT_S = 3.0


class ConfigError(ValueError):
    """Configuration problems found before a run; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _is_uri(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def check_numbers(
    fps: float,
    max_frames: int = 1,
    timeout_s: float = 1.0,
    workers: int = 0,
    threshold: float | None = None,
    wait_s: float = 0.0,
) -> list[str]:
    """Numbers a run cannot work with: fps ≤ 0 or not finite, no frames, no time, negative counts."""
    out = []
    if not (math.isfinite(fps) and fps > 0):
        out.append(f"--fps must be a positive number of sampled frames per second, not {fps:g}")
    if max_frames < 1:
        out.append(f"--max-frames must be at least 1, not {max_frames}")
    if not (math.isfinite(timeout_s) and timeout_s > 0):
        out.append(f"--timeout must be a positive number of seconds, not {timeout_s:g}")
    if workers < 0:
        out.append(f"--workers must be 0 (decode in this process) or more, not {workers}")
    if threshold is not None and not (0.0 <= threshold <= 1.0):
        out.append(f"--threshold is a fused similarity in [0, 1], not {threshold:g}")
    if not (wait_s >= 0):
        out.append(f"--wait must be 0 or more seconds, not {wait_s:g}")
    return out


def check_protocol(uri: str, what: str) -> list[str]:
    """An fsspec URI whose protocol fsspec knows and whose package is installed (no network)."""
    import fsspec

    proto = uri.split("://", 1)[0]
    try:
        fsspec.get_filesystem_class(proto)
    except ImportError as e:
        return [f"{what} {uri!r}: {e}"]
    except ValueError:
        return [f"{what} {uri!r}: unknown protocol {proto!r} (fsspec knows file, s3, gs, az, http, ...)"]
    return []


def check_source(source: str) -> list[str]:
    """A local source must exist and be readable; a URI must have a usable protocol.

    Whether a remote folder exists is left to the run (vidfp.discover), which may need
    credentials and the network.
    """
    if _is_uri(source):
        return check_protocol(source, "source")
    path = source.removeprefix("file://")
    if not os.path.exists(path):
        return [f"source {source!r} does not exist"]
    if not os.access(path, os.R_OK | (os.X_OK if os.path.isdir(path) else 0)):
        return [f"source {source!r} is not readable"]
    return []


def _writable_dir(folder: str) -> str | None:
    """None if a file can be created in ``folder``, else why not (tried, not guessed from modes)."""
    if not os.path.isdir(folder):
        return "is not a folder" if os.path.exists(folder) else "does not exist"
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".vidfp-preflight-"):
            pass
    except OSError as e:  # (a read-only mount, no permission; /proc answers ENOENT)
        return "is not writable" + (f" ({e.strerror})" if e.errno != errno.ENOENT else "")
    return None


def check_db(db: str) -> list[str]:
    """The catalog is a local DuckDB file in an existing, writable folder (not created on the fly)."""
    if _is_uri(db):
        return [f"--db {db!r}: the catalog is a local DuckDB file (shards may go to a URI with --shards)"]
    path = db.removeprefix("file://")
    if os.path.isdir(path):
        return [f"--db {db!r} is a folder; name a catalog file in it, e.g. {os.path.join(db, 'catalog.duckdb')}"]
    folder = os.path.dirname(os.path.abspath(path))
    why = _writable_dir(folder)
    if why:
        return [f"--db {db!r}: folder {folder!r} {why}"]
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return [f"--db {db!r} is not writable"]
    return []


def check_catalog_exists(db: str) -> list[str]:
    """For commands that read a catalog (sql, eval, verdict): it must be there."""
    if not os.path.isfile(db):
        return [f"catalog {db!r} does not exist" if not os.path.exists(db) else f"catalog {db!r} is not a file"]
    return []


def check_shards(shards: str | None) -> list[str]:
    """Where shards go: a URI with a usable protocol, or a local folder that exists or can be created."""
    if not shards:
        return []
    if _is_uri(shards):
        return check_protocol(shards, "--shards")
    path = os.path.abspath(shards.removeprefix("file://"))
    if os.path.exists(path) and not os.path.isdir(path):
        return [f"--shards {shards!r} is not a folder"]
    existing = path
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    why = _writable_dir(existing)
    return [f"--shards {shards!r}: folder {existing!r} {why}"] if why else []


def _hub_unreachable(endpoint: str) -> str | None:
    """None if a TCP connection to the Hub opens within the limit, else why not."""
    if any(os.environ.get(k) for k in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return None  # through a proxy: only the download itself can tell
    u = urlparse(endpoint)
    host, port = u.hostname or "huggingface.co", u.port or (80 if u.scheme == "http" else 443)
    result: list[str | None] = [f"no answer within {HUB_CONNECT_TIMEOUT_S:.0f} s"]

    def probe() -> None:
        try:
            socket.create_connection((host, port), timeout=HUB_CONNECT_TIMEOUT_S).close()
            result[0] = None
        except OSError as e:
            result[0] = e.strerror or type(e).__name__

    t = threading.Thread(target=probe, daemon=True)  # getaddrinfo has no timeout of its own
    t.start()
    t.join(HUB_CONNECT_TIMEOUT_S + 0.5)
    return result[0]


def check_dinov3_weights(weights: str | None, model: str) -> list[str]:
    """DINOv3 weights are available: ``--weights`` is a readable file, or the Hub copy is in the
    Hugging Face cache, or the Hub is allowed (HF_HUB_OFFLINE unset) and reachable."""
    from vidfp.encoders.dinov3_models import MODELS, hub_repo

    if model not in MODELS and model not in MODELS.values():
        return [f"unknown DINOv3 --model {model!r}; choose from {', '.join(MODELS)}"]
    if weights:
        if not os.path.isfile(weights):
            return [
                f"--weights {weights!r} does not exist"
                if not os.path.exists(weights)
                else f"--weights {weights!r} is not a file"
            ]
        return [] if os.access(weights, os.R_OK) else [f"--weights {weights!r} is not readable"]
    repo = hub_repo(model)
    hint = (
        f"pass --weights PATH (Meta .pth or timm .safetensors), or put {repo} in the Hugging Face cache, "
        "or run with --encoder baseline (no weights)"
    )
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return [f"no DINOv3 weights for --model {model} (huggingface_hub is not installed): {hint}"]
    if isinstance(try_to_load_from_cache(repo_id=repo, filename="model.safetensors"), str):
        return []
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False"):
        return [
            f"no DINOv3 weights for --model {model}: not in the Hugging Face cache and HF_HUB_OFFLINE is set; {hint}"
        ]
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    why = _hub_unreachable(endpoint)
    if why:
        return [
            f"no DINOv3 weights for --model {model}: not in the Hugging Face cache, and {endpoint} "
            f"cannot be reached ({why}); {hint}"
        ]
    return []


def check_encoder(encoder: str, weights: str | None = None, model: str = "vits16") -> list[str]:
    """A known encoder; for DINOv3, weights it can load (see :func:`check_dinov3_weights`)."""
    from vidfp.encoders import ENCODERS

    if encoder not in ENCODERS:
        return [f"unknown encoder {encoder!r}; choose from {', '.join(ENCODERS)}"]
    if encoder == "dinov3":
        return check_dinov3_weights(weights, model)
    if encoder.startswith("sscd"):
        from vidfp.encoders.sscd import SSCDModelNotFound, model_path

        try:
            model_path(encoder)
        except SSCDModelNotFound as e:
            return [str(e)]
    if weights and not os.path.isfile(weights):
        return [f"--weights {weights!r} does not exist"]
    return []


def check_run(
    source: str,
    db: str,
    encoder: str = "baseline",
    weights: str | None = None,
    model: str = "vits16",
    fps: float = 2.0,
    max_frames: int = 600,
    timeout_s: float = 3600.0,
    workers: int = 2,
    threshold: float | None = None,
    wait_s: float = 0.0,
    shards: str | None = None,
) -> list[str]:
    """Every problem an ingest or rescan with these settings would hit before its first decode.

    Cheap checks first; the weights check (which may try one TCP connect) only when the rest
    passed, so a typo is reported at once.
    """
    problems = (
        check_numbers(fps, max_frames, timeout_s, workers, threshold, wait_s)
        + check_source(source)
        + check_db(db)
        + check_shards(shards)
    )
    if problems:
        return problems
    return check_encoder(encoder, weights, model)
