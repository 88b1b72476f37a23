"""Review a real agreement end to end in headless Chromium: pta_116 (ToTA, the Cartagena
Agreement). Reject the cooperation candidate of Art. 149 (culture as a thing to understand),
accept Art. 148's cooperation on its card, accept the queue's item with the keyboard (A), add
the policy space Art. 148 holds ("strengthen the cultural identity of the Andean area"), see the
checks as reviewed, reload the page and find every decision still there, download the labelled
data. No request leaves localhost."""
from __future__ import annotations

import json
import re
import time

import pytest

from browser import (CHROMEDRIVER, CHROMIUM, chromium, requested_hosts, screenshot, streamlit_app, upload_and_wait,
                     wait_for_file)
from conftest import tota

pytest.importorskip("selenium")
pytest.importorskip("streamlit")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="Debian chromium and chromium-driver not installed")


def _until(driver, condition, timeout: float = 60):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def _click(driver, key: str) -> None:
    """Click the button whose Streamlit key is `key` (Streamlit marks its container `st-key-<key>`)."""
    from selenium.webdriver.common.by import By

    button = _until(driver, lambda d: d.find_element(By.CSS_SELECTOR, f".st-key-{key} button"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()


def _pressed(element) -> bool:
    """Click an element once it can be clicked (an expander still opening cannot be); False until then."""
    from selenium.common.exceptions import ElementClickInterceptedException, ElementNotInteractableException

    try:
        element.click()
        return True
    except (ElementNotInteractableException, ElementClickInterceptedException):
        return False


def _progress(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, "span.review-progress").text


def _decisions(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    cards = "//span[@class='review-decision'][not(ancestor::div[@class='review-queue'])]"  # the queue repeats one
    return sorted(e.get_attribute("data-decision") for e in driver.find_elements(By.XPATH, cards))


def test_review_an_agreement_reload_and_find_the_decisions(tmp_path, monkeypatch):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    monkeypatch.setenv("ANALYSER_REVIEW_DB", str(tmp_path / "review.sqlite"))
    agreement = tota("pta_116")
    start = time.perf_counter()
    with streamlit_app() as url, chromium(downloads=tmp_path) as driver:
        upload_and_wait(driver, url, agreement)
        _until(driver, lambda d: _progress(d) == "0 of 3 reviewed")
        # the cards' texts are drawn by st.html, which may land a moment after the rest of the page
        def text_id(opening: str) -> str:
            return _until(driver, lambda d: d.find_elements(By.XPATH, "//div[contains(@class,'provision-text')]"
                                                                     f"[starts-with(normalize-space(.), '{opening}')]"))[0].get_attribute("data-id")

        p148 = text_id("Member Countries shall undertake joint cooperation")
        p149 = text_id("Member Countries shall undertake policies in the area of social")
        _click(driver, f"rv-{p149}-cultural_cooperation-reject")
        _until(driver, lambda d: _progress(d) == "1 of 3 reviewed")
        _click(driver, f"rv-{p148}-cultural_cooperation-accept")
        _until(driver, lambda d: _progress(d) == "2 of 3 reviewed")
        # the queue holds the last undecided item (Art. 72's national treasures): A accepts it
        _until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "div.review-queue").get_attribute("data-label")
               == "heritage_exception")
        driver.find_element(By.TAG_NAME, "body").send_keys("a")
        _until(driver, lambda d: _progress(d) == "3 of 3 reviewed")
        # a missed label on Art. 148, with its own words as evidence
        expander = driver.find_element(By.CSS_SELECTOR, f".st-key-rv-add-{p148}-label").find_element(
            By.XPATH, "ancestor::details[1]")
        summary = expander.find_element(By.TAG_NAME, "summary")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", summary)
        summary.click()
        _until(driver, lambda d: _pressed(d.find_element(By.CSS_SELECTOR, f".st-key-rv-add-{p148}-label input[role='combobox']")))
        _until(driver, lambda d: any(_pressed(o) for o in d.find_elements(By.CSS_SELECTOR, "[role='option']")
                                     if o.text == "Policy space for culture"))
        _until(driver, lambda d: d.find_element(By.CSS_SELECTOR, f".st-key-rv-add-{p148}-label input[role='combobox']")
               .get_attribute("value") == "Policy space for culture")
        words = driver.find_element(By.CSS_SELECTOR, f".st-key-rv-add-{p148}-words input")
        words.send_keys("strengthen the cultural identity of the Andean area", Keys.ENTER)
        time.sleep(1)
        _click(driver, f"rv-add-{p148}-button")
        added = _until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "span.review-added[data-label='policy_space']"))
        assert added
        assert _decisions(driver) == ["accept", "accept", "add", "reject"]
        screenshot(driver, "ui-review", tmp_path)
        # the report as reviewed: the added policy space meets G7
        assert driver.find_element(By.CSS_SELECTOR, "span.status[data-check='G7']").get_attribute("data-status") == "missing"
        toggle = driver.find_element(By.XPATH, "//label[contains(., 'Show the report as reviewed')]")
        toggle.click()
        _until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "span.status[data-check='G7']")
               .get_attribute("data-status") == "met")
        reviewed_at = time.perf_counter() - start

        # reload: a new session, the same file again; the decisions come back from the store
        driver.refresh()
        upload_and_wait(driver, url, agreement)
        _until(driver, lambda d: _progress(d) == "3 of 3 reviewed")
        _until(driver, lambda d: _decisions(d) == ["accept", "accept", "add", "reject"])
        assert driver.find_elements(By.CSS_SELECTOR, "span.review-added[data-label='policy_space']")
        _click(driver, "review-export")
        data = json.loads(wait_for_file(tmp_path, "-reviewed.json").read_text(encoding="utf-8"))
        assert {a["heading"].rsplit("> ", 1)[-1]: a["labels"] for a in data["provisions"]} == {
            "Article 72": ["heritage_exception"], "Article 148": ["cultural_cooperation", "policy_space"],
            "Article 149": []}
        assert data["review"]["reviewed"] == data["review"]["total"] == 3
        hosts = requested_hosts(driver)
    print(f"review of pta_116 in the browser: {reviewed_at:.1f} s to the report as reviewed; "
          f"{time.perf_counter() - start:.1f} s with the reload and the export")
    assert hosts <= {"127.0.0.1", "localhost"}
    assert re.fullmatch(r"[0-9a-f]{64}", data["sha256"])
