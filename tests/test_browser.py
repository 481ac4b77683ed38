"""In a real browser: `manifesto serve` finds Japanese terms of any length typed into Datasette's search box,
shows rows on the first screen with Japanese column labels, follows a goal to the PDF crops of its values,
and shows its charts; `manifesto report` shows its charts too. Screenshots go to output/. Headless Chromium (Debian's chromium + chromium-driver, installed
by `make test`) is driven by selenium; without them the test skips locally and fails in CI.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, samples_database
from extract.cli import main
from extract.crop import HIGHLIGHT

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
OUTPUT = ROOT / "output"
TERM = "公民連携"
STARTUP_SECONDS = 30
# No network here: keep Chromium from reaching for one (updates, sync, QUIC, first-run pages).
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,1600")


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        message = f"{', '.join(missing)} missing: `make browser` installs Debian's chromium and chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(STARTUP_SECONDS)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    return samples_database(tmp_path_factory.mktemp("browser"), municipality_code="242161")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(db_path) -> Iterator[str]:
    """`manifesto serve` on a free local port, as a user starts it; stopped (by its pid) after the tests."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "extract.cli", "serve", "--db", str(db_path), "--host", "127.0.0.1", "--port", str(port),
         "--metadata-out", str(db_path.parent / "metadata.json")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"manifesto serve did not start: {process.communicate()[0]}")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_a_japanese_term_typed_into_the_search_box_finds_its_goal(browser, server):
    browser.get(f"{server}/manifestos/goal_overview")
    assert "部局目標一覧" in browser.find_element(By.TAG_NAME, "h1").text
    box = browser.find_element(By.ID, "_search")
    box.send_keys(TERM)
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, STARTUP_SECONDS).until(expected_conditions.url_contains("_search="))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert len(rows) == 1
    assert "デジタル自治推進局" in rows[0].text and TERM in rows[0].text
    assert browser.find_element(By.ID, "_search").get_attribute("value") == TERM
    OUTPUT.mkdir(exist_ok=True)
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, "_search"))
    browser.save_screenshot(str(OUTPUT / "datasette-search.png"))


def test_rows_start_on_the_first_screen_with_japanese_column_labels(browser, server, db_path):
    browser.get(f"{server}/manifestos/goal_overview")
    first_row = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert first_row.location["y"] < 1000, first_row.location  # the column descriptions are folded away
    labels = {th.get_attribute("data-column"): th.find_element(By.CLASS_NAME, "manifesto-label").text
              for th in browser.find_elements(By.CSS_SELECTOR, "th[data-column-description]")}
    assert (labels["fiscal_year"], labels["department"], labels["self_rating"]) == ("年度", "部局名", "達成状況(自己評価)")
    assert "2021 デジタル自治推進局" in browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns").text
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "datasette-goals.png"))
    # the metadata `serve --metadata-out` wrote, for `datasette publish --metadata`
    written = json.loads((db_path.parent / "metadata.json").read_text(encoding="utf-8"))
    assert written["databases"]["manifestos"]["tables"]["goal_overview"]["title"] == "部局目標一覧 (最新版)"


def test_a_two_character_word_typed_into_the_search_box_finds_its_goals(browser, server):
    browser.get(f"{server}/manifestos/goals")
    box = browser.find_element(By.ID, "_search")
    box.send_keys("DX")
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, STARTUP_SECONDS).until(expected_conditions.url_contains("_search="))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert len(rows) == 2 and all("デジタル自治推進局" in row.text for row in rows)


def test_a_goal_leads_to_the_highlighted_pdf_crops_of_its_values(browser, server):
    browser.get(f"{server}/manifestos/goal_overview?_search={TERM}")
    [row] = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    row.find_element(By.CSS_SELECTOR, "td.col-page a").click()
    WebDriverWait(browser, STARTUP_SECONDS).until(expected_conditions.url_contains("/-/manifesto/source/"))
    assert "◎部局目標4" in browser.find_element(By.TAG_NAME, "h1").text
    WebDriverWait(browser, STARTUP_SECONDS).until(lambda b: b.execute_script(
        "return [...document.images].every(i => i.complete && i.naturalWidth > 0)"))
    objective = browser.find_element(By.CSS_SELECTOR, 'section[data-field="objective"]')
    assert TERM in objective.find_element(By.CLASS_NAME, "text").text
    image_url = objective.find_element(By.TAG_NAME, "img").get_attribute("src")
    browser.execute_script("arguments[0].scrollIntoView()", objective)
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "datasette-source.png"))
    with urllib.request.urlopen(image_url, timeout=STARTUP_SECONDS) as response:
        crop = Image.open(io.BytesIO(response.read())).convert("RGB")
    (OUTPUT / "datasette-crop.png").write_bytes(urllib.request.urlopen(image_url).read())
    tinted = tuple(round(255 * (1 - HIGHLIGHT[3] / 255) + c * HIGHLIGHT[3] / 255) for c in HIGHLIGHT[:3])
    colours = [colour for _, colour in crop.getcolors(1 << 20)]
    assert any(max(abs(a - b) for a, b in zip(colour, tinted)) <= 2 for colour in colours)  # the value's box
    assert any(sum(colour) < 200 for colour in colours)  # and printed text


def test_the_charts_page_shows_ratings_by_department_and_year(browser, server):
    browser.get(f"{server}/manifestos")
    browser.find_element(By.PARTIAL_LINK_TEXT, "グラフ").click()
    WebDriverWait(browser, STARTUP_SECONDS).until(expected_conditions.url_contains("/-/manifesto/charts/"))
    assert browser.execute_script("return document.images.length === 2 && [...document.images].every(i => i.naturalWidth > 800)")
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "datasette-charts.png"))


def test_the_report_opens_with_its_charts_and_is_screenshotted(browser, db_path, capsys):
    report = OUTPUT / "report.html"
    assert main(["report", "--db", str(db_path), "--out", str(report)]) == 0
    browser.get(report.resolve().as_uri())
    assert browser.execute_script(
        "return document.images.length === 2 && [...document.images].every(i => i.complete && i.naturalWidth > 800)"
    )
    screenshot = OUTPUT / "report.png"
    screenshot.unlink(missing_ok=True)
    assert browser.save_screenshot(str(screenshot))
    image = Image.open(screenshot)
    assert screenshot.stat().st_size > 20_000 and image.size[0] >= 1000
    assert len(image.convert("RGB").getcolors(1 << 20)) > 50  # charts, not a blank page
