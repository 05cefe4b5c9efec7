"""Where each page and picture lives: routes of the web app, or files of the static report.

Templates only ever call these, so one set of templates serves both.
"""

from __future__ import annotations

from urllib.parse import quote


class AppLinks:
    static = False

    def index(self, sort: str = "size", page: int = 0) -> str:
        return f"/?sort={quote(sort)}&page={page}"

    def partial(self, page: int = 0) -> str:
        return f"/partial?page={page}"

    def cluster(self, cid: str) -> str:
        return f"/cluster/{quote(cid)}"

    def pair(self, a: str, b: str) -> str | None:
        a, b = sorted((a, b))
        return f"/pair/{quote(a)}/{quote(b)}"

    def video(self, vid: str) -> str | None:
        return f"/video/{quote(vid)}"

    def thumb(self, vid: str, t_s: float) -> str:
        return f"/thumb/{quote(vid)}.jpg?t={t_s:g}"

    def matrix(self, a: str, b: str) -> str:
        return f"/plot/{quote(a)}/{quote(b)}/matrix.png"

    def timeline(self, a: str, b: str) -> str:
        return f"/plot/{quote(a)}/{quote(b)}/timeline.png"

    def media(self, vid: str, uri: str) -> str:
        return f"/media/{quote(vid)}"


class StaticLinks:
    """Relative file names inside the report folder; pages that were not written link nowhere."""

    static = True

    def __init__(self) -> None:
        self.pairs: set[tuple[str, str]] = set()  # pair pages the report writes
        self.clusters: set[str] = set()

    def index(self, sort: str = "size", page: int = 0) -> str:
        return "index.html" if sort == "size" else f"index-{sort}.html"

    def partial(self, page: int = 0) -> str:
        return "partial.html"

    def cluster(self, cid: str) -> str | None:
        return f"cluster-{cid}.html" if cid in self.clusters else None

    def pair(self, a: str, b: str) -> str | None:
        a, b = sorted((a, b))
        return f"pair-{a}-{b}.html" if (a, b) in self.pairs else None

    def video(self, vid: str) -> str | None:
        return None

    def thumb(self, vid: str, t_s: float) -> str:
        return f"thumbs/{vid}-{int(round(t_s * 1000))}.jpg"

    def matrix(self, a: str, b: str) -> str:
        return f"plots/{a}-{b}-matrix.png"

    def timeline(self, a: str, b: str) -> str:
        return f"plots/{a}-{b}-timeline.png"

    def media(self, vid: str, uri: str) -> str:
        """The original file, for a report opened on a machine that sees it (videos are not copied)."""
        if "://" in uri:
            return uri
        return "file://" + quote(uri)
