"""vidfp review driven as a person would, in headless Chromium (Debian's chromium + chromium-driver).

Opens the cluster list, clicks into a cluster and a pair, waits for the pictures and the
players, clicks "Not duplicate", and checks the verdict row and the new clusters in DuckDB.
Screenshots go to the test's temporary folder, and also to $VIDFP_SCREENSHOT_DIR when set.
"""

import os
import shutil

import duckdb
import pytest

from tests.search.catalog_fixture import private_copy, shared_catalog, video_ids

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    return shared_catalog(tmp_path_factory)


@pytest.fixture
def browser():
    if not (CHROMIUM and DRIVER):
        pytest.skip("no chromium/chromedriver: apt-get install -y chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the dev extra")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for o in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1300,1000",
        "--autoplay-policy=no-user-gesture-required",
        "--mute-audio",
    ):
        opts.add_argument(o)
    drv = webdriver.Chrome(options=opts, service=Service(DRIVER))
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()


def _shot(drv, folder, name):
    height = drv.execute_script("return document.documentElement.scrollHeight")
    drv.set_window_size(1300, min(max(height, 600), 4000))
    path = os.path.join(folder, name)
    drv.save_screenshot(path)
    if os.environ.get("VIDFP_SCREENSHOT_DIR"):
        shutil.copy(path, os.path.join(os.environ["VIDFP_SCREENSHOT_DIR"], name))
    return path


def test_open_cluster_and_pair_then_mark_not_duplicate(cat, tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from vidfp.review.server import BackgroundServer

    db = private_copy(cat, str(tmp_path / "cat"))
    ids = video_ids(db)
    a, b = sorted((ids["astronaut_pan.mp4"], ids["astronaut_pan_copy.mp4"]))
    wait = WebDriverWait(browser, 60)
    with BackgroundServer(db) as url:
        browser.get(url + "/")
        assert "Duplicate clusters" in browser.find_element(By.TAG_NAME, "h1").text
        wait.until(
            lambda d: d.execute_script("return [...document.images].every(i => i.complete && i.naturalWidth > 0)")
        )
        _shot(browser, tmp_path, "review_clusters.png")

        browser.find_element(By.CSS_SELECTOR, "div.cluster a[href^='/cluster/']").click()
        wait.until(lambda d: "Cluster of 2 videos" in d.find_element(By.TAG_NAME, "h1").text)
        _shot(browser, tmp_path, "review_cluster.png")

        browser.find_element(By.CSS_SELECTOR, "a.compare").click()
        wait.until(lambda d: d.current_url.endswith(f"/pair/{a}/{b}"))
        wait.until(
            lambda d: d.execute_script(
                "return ['matrix', 'timeline'].every(id => { const i = document.getElementById(id);"
                " return i.complete && i.naturalWidth > 300; })"
            )
        )
        wait.until(
            lambda d: d.execute_script(  # both players loaded the file at the matched moment
                "return ['a', 'b'].every(s => { const v = document.getElementById('video-' + s);"
                " return v && !v.error && v.readyState >= 1 && v.duration > 7; })"
            )
        )
        text = browser.find_element(By.TAG_NAME, "body").text
        for expected in (
            "Duplicate: similarity",
            "Where they match",
            "Why: frame-to-frame similarity",
            "camera motion",
            "Not duplicate",
        ):
            assert expected in text, expected
        _shot(browser, tmp_path, "review_pair.png")

        browser.find_element(By.ID, "btn-not-duplicate").click()
        wait.until(lambda d: d.find_elements(By.ID, "flash"))
        assert "Saved: not duplicate" in browser.find_element(By.ID, "flash").text
        decision = browser.find_element(By.ID, "decision").text
        assert "Your verdict: not duplicate, so clustering keeps these two apart" in decision
        _shot(browser, tmp_path, "review_pair_after_verdict.png")

    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT video_a, video_b, verdict FROM pair_verdicts").fetchall()
        clusters = dict(con.execute("SELECT video_id, cluster_id FROM duplicate_clusters").fetchall())
    finally:
        con.close()
    assert rows == [(a, b, "not_duplicate")]
    assert clusters[a] != clusters[b]
    assert os.path.getsize(tmp_path / "review_pair.png") > 50_000
