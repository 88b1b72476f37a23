"""End to end in a real browser: upload the AfCFTA PDF, see the scorecard and a highlighted
finding on the rendered page, take a screenshot, and prove no request left localhost."""
from __future__ import annotations

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
        image = driver.find_element(By.CSS_SELECTOR, "[data-testid='stImage'] img")
        assert caption.is_displayed() and image.is_displayed() and image.size["width"] > 300
        shot = tmp_path / "ui-afcfta.png"
        driver.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        hosts = requested_hosts(driver)
    print(f"upload to scorecard: {seconds:.1f} s; hosts requested: {sorted(hosts)}")
    assert hosts and hosts <= {"127.0.0.1", "localhost"}
