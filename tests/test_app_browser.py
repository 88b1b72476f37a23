"""End to end in a real browser: upload the AfCFTA PDF, see the scorecard and a highlighted
finding on the rendered page, take a screenshot, and prove no request left localhost."""
from __future__ import annotations

import re

import pytest

from browser import CHROMEDRIVER, CHROMIUM, chromium, requested_hosts, streamlit_app, upload_and_wait
from conftest import CORPORA

pytest.importorskip("selenium")
pytest.importorskip("streamlit")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="Debian chromium and chromium-driver not installed")


def test_upload_pdf_scorecard_highlight_screenshot_and_no_outside_requests(tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    with streamlit_app() as url, chromium() as driver:
        seconds = upload_and_wait(driver, url, CORPORA / "pdf" / "afcfta-agreement-en.pdf")
        g7 = driver.find_element(By.CSS_SELECTOR, "span.status[data-check='G7']")
        assert g7.get_attribute("data-status") == "met"
        # the rendered page carries the highlighted finding (drawn at its boxes) and says so
        caption = WebDriverWait(driver, 60).until(EC.visibility_of_element_located(
            (By.XPATH, "//*[contains(text(), 'Page 3 · 2 highlights')]")))
        image = WebDriverWait(driver, 60).until(EC.visibility_of_element_located(
            (By.CSS_SELECTOR, "[data-testid='stImage'] img")))  # the page image loads after its caption
        assert caption.is_displayed() and image.is_displayed() and image.size["width"] > 300
        shot = tmp_path / "ui-afcfta.png"
        driver.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        hosts = requested_hosts(driver)
    print(f"upload to scorecard: {seconds:.1f} s; hosts requested: {sorted(hosts)}")
    assert hosts and hosts <= {"127.0.0.1", "localhost"}


def test_compare_two_drafts_side_by_side(tmp_path):
    import time

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    original = CORPORA / "texts" / "en-canada-peru-fta-excerpt.txt"
    text = original.read_text(encoding="utf-8")
    draft = tmp_path / "later-draft.txt"
    draft.write_text(text.replace("Nothing in this Agreement shall be construed to apply to measures adopted or maintained",
                                  "Nothing in this Chapter shall be construed to apply to measures adopted or maintained"),
                     encoding="utf-8")
    with streamlit_app() as url, chromium() as driver:
        driver.get(url)
        wait = WebDriverWait(driver, 60)
        tab = wait.until(EC.element_to_be_clickable((By.XPATH, "//*[@role='tab'][contains(., 'Compare two drafts')]")))
        tab.click()
        time.sleep(1)
        inputs = [i for i in driver.find_elements(By.CSS_SELECTOR, "input[type='file']")]
        assert len(inputs) >= 3  # screen tab + the two drafts
        inputs[1].send_keys(str(original))
        inputs[2].send_keys(str(draft))
        change = WebDriverWait(driver, 120).until(EC.presence_of_element_located(
            (By.CSS_SELECTOR, "span.change[data-kind='weakened']")))
        assert re.search(r"scope: agreement (->|→) chapter", change.find_element(By.XPATH, "..").text)
        driver.save_screenshot(str(tmp_path / "compare.png"))
        assert requested_hosts(driver) <= {"127.0.0.1", "localhost"}
