"""The instructor's report of a real graded class, opened in headless Chromium (Selenium driving
Debian's chromium and chromium-driver, which .ci/run installs). Without them the test skips, saying why."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from report_fixtures import PAIR, GradedClass, graded_class

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
SECTIONS = ("overview", "checks", "mistakes", "speed", "flags", "similarity")


@pytest.fixture(scope="session")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedClass:
    return graded_class(tmp_path_factory.mktemp("report-class"))


@pytest.fixture(scope="session")
def report(graded: GradedClass) -> tuple[Path, dict]:
    out = graded.out
    done = subprocess.run([sys.executable, str(REPO / "cli.py"), "report", str(out), "--json", str(out / "report.json")], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out / "report.html", json.loads((out / "report.json").read_text())


def browser():
    """A headless Chromium driven by the system's chromedriver; skip (with the reason) without one."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    binary = next((shutil.which(b) for b in CHROMIUM if shutil.which(b)), None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip("no Chromium browser and chromedriver on PATH (apt-get install chromium chromium-driver, as .ci/run does)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def artifacts() -> Path:
    folder = Path(os.environ.get("CI_ARTIFACTS", REPO / "artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
def test_the_report_of_a_graded_class_renders_in_a_browser(report: tuple[Path, dict], graded: GradedClass):
    page, _ = report
    driver = browser()
    try:
        driver.get(page.as_uri())
        from selenium.webdriver.common.by import By

        errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
        assert errors == []
        for section in SECTIONS:
            assert driver.find_element(By.CSS_SELECTOR, f"section#{section} h2").is_displayed(), section
        plots = driver.find_elements(By.CSS_SELECTOR, "section#overview svg.plot")
        assert [p.get_attribute("data-plot") for p in plots] == ["totals", "part-conv"]
        for plot in plots:
            size = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", plot)
            assert size[0] > 100 and size[1] > 50, (plot.get_attribute("data-plot"), size)

        # Common mistakes: the two kernel-flip copies and the example ben_buggy (which flips its kernel too).
        rows = driver.find_elements(By.CSS_SELECTOR, "section#mistakes table:first-of-type tbody tr")
        counts = {r.find_elements(By.TAG_NAME, "td")[1].text: int(r.find_elements(By.TAG_NAME, "td")[0].text) for r in rows}
        expected = {"kernel flipped": 3, "first sample only": 1}
        for says, count in expected.items():
            found = [text for text in counts if says in text]
            assert len(found) == 1 and counts[found[0]] == count, (says, counts)
        undiagnosed = driver.find_element(By.CSS_SELECTOR, "section#mistakes table:nth-of-type(2)").text
        assert "seeded3_conv_db_counted_twice" in undiagnosed and "conv2d_backward backward" in undiagnosed

        # Similarity: the planted pair first; the independent solutions never paired.
        pairs = driver.find_elements(By.CSS_SELECTOR, "#similar-pairs tbody tr")
        cells = [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in pairs]
        assert tuple(cells[0][2:5]) == ("conv.py", *PAIR)
        assert not any({"vectorized", "loops"} <= set(c[3:5]) for c in cells)
        assert "not a verdict" in driver.find_element(By.CSS_SELECTOR, "section#similarity").text
        assert "no longer there" in driver.page_source  # the removed seeded-bug folders are named

        # The whole page, with the most similar pair's side-by-side view opened.
        driver.execute_script("document.querySelector('details.pair').open = true")
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": min(height, 16000), "deviceScaleFactor": 1, "mobile": False})
        shot = artifacts() / "report.png"
        assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    finally:
        driver.quit()


@pytest.mark.slow
def test_report_json_matches_a_direct_count_over_the_graded_gradebook(report: tuple[Path, dict], graded: GradedClass):
    import sqlite3

    import numpy as np

    _, data = report
    db = sqlite3.connect(graded.out / "gradebook.sqlite")
    scores = [s for (s,) in db.execute("SELECT score FROM submissions")]
    assert data["overview"]["submissions"] == len(scores) == 11
    assert data["overview"]["total"]["median"] == pytest.approx(float(np.median(scores)), abs=1e-6)
    assert data["overview"]["total"]["q1"] == pytest.approx(float(np.percentile(scores, 25)), abs=1e-6)
    rates = {cid: (passed, n) for cid, passed, n in db.execute("SELECT id, SUM(outcome = 'passed'), COUNT(*) FROM checks GROUP BY id")}
    assert {c["id"]: (c["passed"], c["graded"]) for c in data["checks"]} == rates
    flipped = {s for (s,) in db.execute("SELECT DISTINCT submission FROM checks WHERE message LIKE '%likely mistake: your output equals a convolution with the kernel flipped%'")}
    mistake = next(m for m in data["mistakes"] if "kernel flipped" in m["text"])
    assert set(mistake["submissions"]) == flipped and mistake["count"] == 3


@pytest.mark.slow
def test_correct_solutions_in_the_class_get_no_named_mistake_or_observation(graded: GradedClass):
    """Issue 14: no diagnosis fires on a correct solution; the class holds four (vectorized, loops,
    ada_correct and the semi-vectorized copies), graded here anyway."""
    import sqlite3

    db = sqlite3.connect(graded.out / "gradebook.sqlite")
    correct = ("vectorized", "loops", "ada_correct", *PAIR)
    rows = db.execute(f"SELECT submission, outcome, message FROM checks WHERE submission IN ({','.join('?' * len(correct))})", correct).fetchall()
    assert {s for s, _, _ in rows} == set(correct)
    assert all(outcome == "passed" for _, outcome, _ in rows), [r for r in rows if r[1] != "passed"]
    assert not [m for _, _, m in rows if "likely mistake:" in m or "observation:" in m]
