"""``vidfp review``: the review pages as a local web app (Starlette + Jinja2).

Why Starlette: it is the ASGI layer under FastAPI, and Prefect already installs
both, uvicorn and Jinja2, so the app adds no dependency.  Its pages are HTML
forms and images, not a typed JSON API, so FastAPI's extras (pydantic models,
OpenAPI, ``Form`` which needs python-multipart) would add nothing; Starlette
gives routing, ``FileResponse`` with HTTP Range requests (so ``<video>`` can
seek) and a test client.  Jinja2 autoescapes every file name it prints.

Safety:
- bound to 127.0.0.1 by default, and requests must name a loopback host
  (``TrustedHostMiddleware``), so other machines and DNS-rebinding pages cannot
  reach it;
- ``/media/<video_id>`` serves only a file that the catalog lists for that
  video id; no path ever comes from a request, so no path traversal;
- verdicts (the only write) and searches need the per-session token that is
  embedded in the app's own pages (a random value made at start-up);
- a vanished or unreadable video gives a placeholder; any error a page hits is
  answered with an error page, never a crash of the server.
"""

from __future__ import annotations

import logging
import math
import mimetypes
import re
import secrets
import threading
from collections.abc import Sequence
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from vidfp.review.links import AppLinks
from vidfp.review.pages import Pages
from vidfp.review.verdicts import VerdictRejected, save_verdict
from vidfp.search.settings import CatalogUnreadable, IncompatibleQuery
from vidfp.store.lock import CatalogBusy
from vidfp.thumbs import ThumbCache, thumbs_root

log = logging.getLogger(__name__)

ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
SECURITY_HEADERS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _int(v: str | None, default: int = 0) -> int:
    try:
        return max(0, int(v)) if v is not None else default
    except ValueError:
        return default


def _time(v: str | None) -> float:
    try:
        t = float(v) if v is not None else 0.0
    except ValueError:
        return 0.0
    return min(max(t, 0.0), 1e6) if math.isfinite(t) else 0.0


class ReviewApp:
    """State of one review session: the catalog's pages, the token, a search index built on first use."""

    def __init__(self, db: str, token: str | None = None, thumbs_dir: str | None = None, weights: str | None = None):
        self.db = db
        self.token = token or secrets.token_urlsafe(24)
        self.pages = Pages(db, AppLinks(), ThumbCache(thumbs_dir or thumbs_root(db)))
        self.weights = weights
        self._search = None
        self._search_lock = threading.Lock()

    # ---- helpers -------------------------------------------------------------------
    def html(self, body: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)

    def error(self, status: int, title: str, message: str) -> HTMLResponse:
        return self.html(self.pages.error(title, message, token=self.token), status)

    def not_found(self, what: str) -> HTMLResponse:
        return self.error(404, "Not found", f"This catalog has no {what}.")

    def token_ok(self, given: str | None) -> bool:
        return bool(given) and secrets.compare_digest(given, self.token)

    # ---- pages ---------------------------------------------------------------------
    def index(self, request: Request) -> Response:
        q = request.query_params
        return self.html(self.pages.index(q.get("sort", "size"), _int(q.get("page")), token=self.token))

    def partial(self, request: Request) -> Response:
        return self.html(self.pages.partial(_int(request.query_params.get("page")), token=self.token))

    def cluster(self, request: Request) -> Response:
        cid = request.path_params["cid"]
        body = self.pages.cluster(cid, token=self.token) if ID.match(cid) else None
        return self.html(body) if body else self.not_found("such cluster")

    def video(self, request: Request) -> Response:
        vid = request.path_params["vid"]
        body = self.pages.video(vid, token=self.token) if ID.match(vid) else None
        return self.html(body) if body else self.not_found("such video")

    def pair(self, request: Request) -> Response:
        a, b = request.path_params["a"], request.path_params["b"]
        saved = request.query_params.get("saved")
        flash = (
            f"Saved: {saved.replace('_', ' ')}. Clusters were updated."
            if saved in ("duplicate", "not_duplicate")
            else None
        )
        body = self.pages.pair(a, b, token=self.token, flash=flash) if ID.match(a) and ID.match(b) else None
        return self.html(body) if body else self.not_found("scored pair of these two videos")

    # ---- pictures and files ------------------------------------------------------------
    def thumb(self, request: Request) -> Response:
        vid = request.path_params["vid"]
        data = self.pages.thumb(vid, _time(request.query_params.get("t"))) if ID.match(vid) else None
        if data is None:
            return self.not_found("such video")
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "max-age=3600", **SECURITY_HEADERS})

    def plot(self, request: Request) -> Response:
        a, b, kind = request.path_params["a"], request.path_params["b"], request.path_params["kind"]
        if not (ID.match(a) and ID.match(b)) or kind not in ("matrix", "timeline"):
            return self.not_found("such picture")
        got = self.pages.matrix(a, b) if kind == "matrix" else self.pages.timeline(a, b)
        if got is None:
            return self.not_found("scored pair of these two videos")
        return Response(got[0], media_type=got[1], headers=SECURITY_HEADERS)

    def media(self, request: Request) -> Response:
        vid = request.path_params["vid"]
        path = self.pages.media_path(vid) if ID.match(vid) else None
        if path is None:
            return self.error(
                404,
                "No such file",
                "The catalog lists no readable file for this video (unknown id, or the file was moved or deleted).",
            )
        mt = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return FileResponse(path, media_type=mt, headers=SECURITY_HEADERS)

    # ---- the writes: verdicts; and search ------------------------------------------------
    async def verdict(self, request: Request) -> Response:
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return self.error(400, "Bad request", "Verdicts are sent by the form on a pair page.")
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
        if not self.token_ok(form.get("token")):
            return self.error(
                403,
                "Not saved",
                "This request does not carry this session's token. Reload the pair page and click the button again.",
            )
        a, b, verdict = form.get("a", ""), form.get("b", ""), form.get("verdict", "")
        if not (ID.match(a) and ID.match(b)):
            return self.error(400, "Not saved", "The verdict must name two videos of this catalog.")
        try:
            await run_in_threadpool(self._save, a, b, verdict)
        except VerdictRejected as e:
            return self.error(400, "Not saved", str(e))
        except CatalogBusy as e:
            return self.error(
                503,
                "Not saved yet",
                f"A vidfp run is writing the catalog ({e}). Try again when it has finished; nothing was changed.",
            )
        lo, hi = sorted((a, b))
        return RedirectResponse(f"/pair/{lo}/{hi}?saved={verdict}", status_code=303)

    def _save(self, a: str, b: str, verdict: str) -> None:
        with self.pages.reader.lock:
            save_verdict(self.db, a, b, verdict)

    def search(self, request: Request) -> Response:
        q = request.query_params
        query = (q.get("q") or "").strip()
        if not query:
            return self.html(self.pages.search([], None, token=self.token))
        if not self.token_ok(q.get("token")):
            return self.error(
                403,
                "Search refused",
                "This request does not carry this session's token; use the search box of the review pages.",
            )
        try:
            results = self._index().search([query], top=10)
        except IncompatibleQuery as e:
            return self.html(self.pages.search([], query, error=str(e), token=self.token), 409)
        return self.html(self.pages.search(results, query, token=self.token))

    def _index(self):
        from vidfp.search import SearchIndex

        with self._search_lock:
            if self._search is None or self._search.stale():
                with self.pages.reader.lock:
                    self._search = SearchIndex(self.db, weights=self.weights, workers=1)
            return self._search


def create_app(
    db: str,
    token: str | None = None,
    allowed_hosts: Sequence[str] | None = LOOPBACK_HOSTS,
    thumbs_dir: str | None = None,
    weights: str | None = None,
) -> Starlette:
    """The review app for catalog ``db``; ``allowed_hosts=None`` accepts any Host header."""
    r = ReviewApp(db, token, thumbs_dir, weights)

    async def unreadable(request: Request, exc: Exception) -> Response:
        return r.error(503, "Catalog not readable now", str(exc))

    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("error on %s", request.url.path, exc_info=exc)
        return r.error(500, "Something went wrong", f"{type(exc).__name__}: {exc}")

    routes = [
        Route("/", r.index),
        Route("/partial", r.partial),
        Route("/cluster/{cid}", r.cluster),
        Route("/video/{vid}", r.video),
        Route("/pair/{a}/{b}", r.pair),
        Route("/thumb/{vid}.jpg", r.thumb),
        Route("/plot/{a}/{b}/{kind}.png", r.plot),
        Route("/media/{vid}", r.media),
        Route("/verdict", r.verdict, methods=["POST"]),
        Route("/search", r.search),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))] if allowed_hosts else []
    app = Starlette(
        routes=routes, middleware=middleware, exception_handlers={CatalogUnreadable: unreadable, Exception: crashed}
    )
    app.state.review = r
    return app
