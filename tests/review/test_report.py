"""vidfp report: the review pages as static files whose every link and picture resolves."""

import os
import re
from urllib.parse import unquote

import pytest

from tests.search.catalog_fixture import shared_catalog, video_ids


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    return shared_catalog(tmp_path_factory)


def test_report_pages_resolve_and_are_read_only(cat, tmp_path):
    from vidfp.cli import main

    out = tmp_path / "report"
    assert main(["report", "--db", cat["db"], "--out", str(out), "--max-pairs", "10"]) == 0
    ids = video_ids(cat["db"])
    a, b = sorted((ids["astronaut_pan.mp4"], ids["astronaut_pan_copy.mp4"]))
    pages = sorted(p for p in os.listdir(out) if p.endswith(".html"))
    expected = {"index.html", "index-similarity.html", "index-weakest.html", "partial.html", f"pair-{a}-{b}.html"}
    assert expected <= set(pages)
    for page in pages:
        html = (out / page).read_text()
        assert "<form" not in html and "token" not in html  # no verdict buttons, no search box
        for ref in re.findall(r'(?:href|src)="([^"#?]+)', html):
            if ref.startswith("file://"):  # players point at the original files
                assert os.path.isfile(unquote(ref[len("file://") :])), ref
                continue
            assert "://" not in ref and not ref.startswith("/"), ref  # relative: the folder can move
            assert os.path.isfile(out / ref), f"{page} -> {ref}"
    pair = (out / f"pair-{a}-{b}.html").read_text()
    assert "Duplicate: similarity" in pair and f"plots/{a}-{b}-matrix.png" in pair
    assert (out / "plots" / f"{a}-{b}-matrix.png").read_bytes()[:4] == b"\x89PNG"


def test_report_of_a_missing_catalog_is_a_clear_error(tmp_path, capsys):
    from vidfp.cli import main

    assert main(["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r")]) == 2
    assert "no catalog" in capsys.readouterr().err
