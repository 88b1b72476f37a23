"""End to end in a real browser: upload the AfCFTA PDF, see the scorecard and a highlighted
finding on the rendered page, take a screenshot, and prove no request left localhost."""
from __future__ import annotations

import re

import pytest

from browser import (CHROMEDRIVER, CHROMIUM, chromium, requested_hosts, screenshot, streamlit_app, upload_and_wait,
                     wait_for_file)
from conftest import CORPORA, pdf_page

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
            (By.XPATH, "//*[contains(text(), 'p. 2 (PDF page 3) · 2 highlights')]")))
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
    with streamlit_app() as url, chromium(downloads=tmp_path) as driver:
        driver.get(url)
        wait = WebDriverWait(driver, 60)
        tab = wait.until(EC.element_to_be_clickable((By.XPATH, "//*[@role='tab'][contains(., 'Compare two drafts')]")))
        tab.click()
        inputs = wait.until(lambda d: [i for i in d.find_elements(By.CSS_SELECTOR, "input[type='file']")]
                            if len(d.find_elements(By.CSS_SELECTOR, "input[type='file']")) >= 3 else False)
        assert len(inputs) >= 3  # screen tab + the two drafts (waited for: a loaded machine renders slowly)
        inputs[1].send_keys(str(original))
        inputs[2].send_keys(str(draft))
        change = WebDriverWait(driver, 120).until(EC.presence_of_element_located(
            (By.CSS_SELECTOR, "span.change[data-kind='weakened']")))
        assert re.search(r"Scope: the whole agreement → Scope: some chapters or sectors only",
                         change.find_element(By.XPATH, "..").text)  # the change in words, not identifiers
        # word by word: the words taken out struck through, the words put in underlined
        diffs = driver.find_elements(By.CSS_SELECTOR, "div.word-diff")
        edits = [([d.text.strip() for d in diff.find_elements(By.TAG_NAME, "del")],
                  [i.text.strip() for i in diff.find_elements(By.TAG_NAME, "ins")]) for diff in diffs]
        assert (["Agreement"], ["Chapter"]) in edits
        screenshot(driver, "ui-compare", tmp_path)
        button = driver.find_element(By.XPATH, "//button[contains(., 'Download the comparison (HTML)')]")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()
        html = wait_for_file(tmp_path, ".html").read_text(encoding="utf-8")
        assert "<del style='background:#ffcdd2'>Agreement </del><ins style='background:#c8e6c9'>Chapter </ins>" in html
        assert requested_hosts(driver) <= {"127.0.0.1", "localhost"}


def _caption(driver, prefix: str, timeout: float = 60):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from selenium.common.exceptions import StaleElementReferenceException

    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        EC.visibility_of_element_located(
            (By.XPATH, f"//*[@data-testid='stImage']//*[starts-with(normalize-space(text()), '{prefix}')]")))


def _until(driver, condition, timeout: float = 60):
    """Wait for a condition on a page Streamlit keeps redrawing (stale elements are retried)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def test_navigation_search_and_downloads(tmp_path):
    """Search marks hits on the page image; "Go to page N" on a finding moves the page view to the
    page of its evidence; a scorecard link does the same; the JSON download is the report."""
    import json
    import time

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    with streamlit_app() as url, chromium(downloads=tmp_path) as driver:
        upload_and_wait(driver, url, CORPORA / "pdf" / "afcfta-agreement-en.pdf")
        _caption(driver, "p. 2 (PDF page 3) · 2 highlights")
        screenshot(driver, "ui-scorecard", tmp_path)
        page_input = driver.find_element(By.CSS_SELECTOR, "input[type='number']")
        assert page_input.get_attribute("value") == "3"

        # search: the hits are boxed on the page image and counted in its caption
        search = driver.find_element(By.CSS_SELECTOR, "input[aria-label='Search in the text']")
        search.send_keys("cultural diversity", Keys.ENTER)
        caption = _until(driver, lambda d: "search hits" in _caption(d, "p. 2 (PDF page 3) · ").text
                         and _caption(d, "p. 2 (PDF page 3) · "))
        hits = int(re.search(r"(\d+) search hits", caption.text).group(1))
        assert hits >= 1
        def shown(d) -> list[str]:
            return [" ".join(t.get_attribute("textContent").lower().split())
                    for t in d.find_elements(By.CSS_SELECTOR, "div.provision-text")]

        # the list keeps only the provisions holding the words (the page may still be redrawing)
        texts = _until(driver, lambda d: (found := shown(d)) and all("cultural diversity" in t for t in found) and found)
        assert len(texts) < 20
        screenshot(driver, "ui-search", tmp_path)
        search.send_keys(Keys.CONTROL, "a")
        search.send_keys(Keys.DELETE, Keys.ENTER)
        _until(driver, lambda d: "search hits" not in _caption(d, "p. ").text)

        # a finding's "Go to p. N (PDF page M)" moves the page view there, and into view
        buttons = [b for b in driver.find_elements(By.TAG_NAME, "button")
                   if b.text.strip().startswith("Go to p. ") and pdf_page(b.text) != 3]
        assert buttons
        target = buttons[0]
        page = pdf_page(target.text)
        def image_src(d) -> str:
            return d.find_element(By.CSS_SELECTOR, "[data-testid='stImage'] img").get_attribute("src")

        before = image_src(driver)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", target)
        target.click()
        caption = _caption(driver, "p. ")
        _until(driver, lambda d: pdf_page(_caption(d, "p. ").text.split(" · ")[0]) == page)
        _until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "input[type='number']").get_attribute("value") == str(page))
        _until(driver, lambda d: image_src(d) != before)  # the new page image, not only its caption
        _until(driver, lambda d: d.execute_script(
            "const i = document.querySelector(\"[data-testid='stImage'] img\"); return i.complete && i.naturalWidth > 0"))
        screenshot(driver, "ui-go-to-page", tmp_path)

        # the view came to the page image (it had stayed down at the card)
        _until(driver, lambda d: d.execute_script(
            "const r = document.getElementById('page-view').getBoundingClientRect(); return r.top >= -5 && r.top < 200"))

        # a scorecard jump: the supporting provision's heading and page as printed, then its page
        links = driver.find_elements(By.CSS_SELECTOR, "table.scorecard a.supporting")
        assert links and all(re.search(r"· p\. \d+( \(PDF page \d+\))?$", a.text) for a in links)
        assert not any(re.fullmatch(r"p\d+", a.text) for a in links)
        jump = next(b for b in driver.find_elements(By.TAG_NAME, "button") if b.text.startswith("G7 · "))
        jump_page = pdf_page(jump.text.rsplit(" · ", 1)[1])
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", jump)
        jump.click()
        _until(driver, lambda d: pdf_page(_caption(d, "p. ").text.split(" · ")[0]) == jump_page)

        # downloads: the JSON report
        button = driver.find_element(By.XPATH, "//button[normalize-space(.)='JSON']")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        time.sleep(0.5)
        button.click()
        report = json.loads(wait_for_file(tmp_path, ".json").read_text(encoding="utf-8"))
        assert report["checks"]["G7"]["status"] == "met"

        # precedents: the operative sentence with its evidence marked, the whole clause one click away
        gap = driver.find_element(By.XPATH, "//summary[contains(., 'G3 · missing')]")
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", gap)
        gap.click()
        expander = gap.find_element(By.XPATH, "ancestor::details[1]")
        quote = _until(driver, lambda d: (q := expander.find_element(By.CSS_SELECTOR, "blockquote.precedent")).is_displayed() and q)
        assert "cultur" in quote.find_element(By.TAG_NAME, "mark").text.lower()
        clause = quote.find_element(By.XPATH, "following::details[1]")
        clause.find_element(By.TAG_NAME, "summary").click()
        assert len(clause.text) > len(quote.text)
        time.sleep(0.5)
        screenshot(driver, "ui-precedents", tmp_path)
        assert requested_hosts(driver) <= {"127.0.0.1", "localhost"}


def test_analytics_tab_picks_a_batch_folder_and_downloads_a_table(tmp_path, monkeypatch):
    import csv
    import time

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from analyser.batch import run

    run([str(CORPORA / "tota")], tmp_path / "runs" / "tota", workers=1, progress=False)
    monkeypatch.setenv("ANALYSER_BATCH_ROOT", str(tmp_path / "runs"))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with streamlit_app() as url, chromium(downloads=downloads) as driver:
        driver.get(url)
        tab = WebDriverWait(driver, 60).until(EC.element_to_be_clickable(
            (By.XPATH, "//*[@role='tab'][contains(., 'Corpus analytics')]")))
        tab.click()
        WebDriverWait(driver, 120).until(EC.visibility_of_element_located(
            (By.XPATH, "//*[contains(text(), '7 agreements analysed')]")))
        assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stCode']")  # tables, not code
        frames = "//*[@data-testid='stDataFrame' or contains(@class, 'stDataFrame')]"
        _until(driver, lambda d: len(d.find_elements(By.XPATH, frames)) >= 4)
        button = driver.find_element(By.XPATH, "//button[contains(., 'Download (by_region.csv)')]")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        time.sleep(0.5)
        screenshot(driver, "ui-analytics", tmp_path)
        button.click()
        rows = list(csv.reader(wait_for_file(downloads, ".csv").open(encoding="utf-8")))
        assert rows[0] == ["region", "G1", "G3", "G4", "G6", "agreements"] and len(rows) > 1


# Text a user sees: visible, laid out on the page (not a screen-reader-only label or the skip
# link), outside Streamlit's icon ligatures; plus the words CSS writes in place of Streamlit's own.
VISIBLE_TEXT = """
const out = [];
const walker = document.createTreeWalker(document.querySelector("[data-testid='stApp']"), NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const n = walker.currentNode, el = n.parentElement;
  if (!n.textContent.trim() || !el || el.closest("[data-testid='stIconMaterial'],style,script")) continue;
  const r = el.getBoundingClientRect();
  if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true}) || r.width <= 1 || r.height <= 1
      || r.bottom < 0 || r.right < 0) continue;
  out.push(n.textContent);
}
document.querySelectorAll("[data-testid='stFileUploader'] *").forEach(el => {
  const c = getComputedStyle(el, "::after").content;
  if (c && c !== "none" && c !== "normal") out.push(c);
});
return out.join("\\n");
"""
# Words of Streamlit's own chrome, English only, that a widget may show.
STREAMLIT_WORDS = {"upload", "browse", "files", "drag", "drop", "limit", "choose", "option", "options", "running",
                   "stop", "deploy", "clear", "skip", "main", "content"}
FORMAT_NAMES = {"json", "csv", "html", "markdown", "pdf", "docx", "tota", "xml", "txt", "word"}


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]{4,}", text)}


def _english_words(lang: str, document_text: str) -> set[str]:
    """Words of the tool's English text that are not also words of the target language's text or of
    the agreement on screen (its own words are allowed)."""
    from analyser import i18n

    def flat(tree):
        for value in tree.values():
            yield from flat(value) if isinstance(value, dict) else [str(value)]

    english = set().union(*(_words(v) for v in flat(i18n.catalogue("en")))) | STREAMLIT_WORDS
    other = set().union(*(_words(v) for v in flat(i18n.catalogue(lang))))
    return english - other - _words(document_text) - FORMAT_NAMES


@pytest.mark.parametrize("lang, option, agreement", [
    ("fr", "Français", CORPORA / "texts" / "fr-pays-bas-senegal-tbi.md"),
    ("es", "Español", CORPORA / "texts" / "es-tratado-de-montevideo-1980-aladi.txt"),
])
def test_french_and_spanish_interface_has_no_english_chrome(tmp_path, lang, option, agreement):
    """Switch the interface language, screen an agreement in that language, and read every word
    on the page: none of the tool's English words may remain (JSON/CSV identifiers are not shown)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    import time

    from analyser import i18n

    with streamlit_app() as url, chromium() as driver:
        driver.get(url)
        wait = WebDriverWait(driver, 60)
        wait.until(EC.element_to_be_clickable(
            (By.CSS_SELECTOR, "[data-testid='stSidebar'] [data-testid='stSelectbox'] input"))).click()
        wait.until(EC.element_to_be_clickable((By.XPATH, f"//*[@role='option'][contains(., '{option}')]"))).click()
        title, privacy = i18n.text(lang, "ui.title"), i18n.text(lang, "ui.privacy")[:20]
        wait.until(EC.presence_of_element_located((By.XPATH, f"//h1[contains(., '{title}')]")))
        wait.until(lambda d: privacy in d.execute_script(VISIBLE_TEXT))
        time.sleep(1)  # the rerun in the new language has finished replacing the page
        before = driver.execute_script(VISIBLE_TEXT)
        assert i18n.text(lang, "ui.uploader_button") in before  # Streamlit's "Upload", replaced
        driver.find_element(By.CSS_SELECTOR, "input[type='file']").send_keys(str(agreement))
        WebDriverWait(driver, 300).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "span.status[data-check='G8']")))
        wait.until(lambda d: i18n.text(lang, "ui.precedents") in d.execute_script(VISIBLE_TEXT))
        shown = driver.execute_script(VISIBLE_TEXT)
        driver.save_screenshot(str(tmp_path / f"ui-{lang}.png"))
    assert i18n.text(lang, "report.gaps") in shown and i18n.text(lang, "checks.G1.question") in shown
    assert i18n.text(lang, "ui.qpr") in shown and i18n.Texts(lang).label("cultural_cooperation") in shown
    leftovers = _words(before + shown) & _english_words(lang, agreement.read_text(encoding="utf-8"))
    assert not leftovers, f"English words on the {lang} interface: {sorted(leftovers)}"


def test_a_candidate_is_shown_as_worth_a_look_with_its_words_marked(tmp_path):
    """pta_116 (ToTA) Art. 149, 'a better understanding of the cultural ... heritage': culture as a
    thing to understand is not asserted as cooperation; the card says 'worth a look', names the
    layer in words, and the trigger word is underlined in the text, not filled like a finding."""
    from selenium.webdriver.common.by import By

    from conftest import tota

    with streamlit_app() as url, chromium() as driver:
        upload_and_wait(driver, url, tota("pta_116"))
        badge = _until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "span.candidate"))[0]
        # the card's text is drawn by st.html, which may land a moment after the badge
        card = _until(driver, lambda d: badge.find_elements(
            By.XPATH, "./ancestor::div[.//div[contains(@class, 'provision-text')]][1]"))[0]
        assert "Article 149" in card.text and "worth a look" in card.text
        assert "rule: " in card.text and "rule:cultural_cooperation" not in card.text
        marked = card.find_elements(By.CSS_SELECTOR, "div.provision-text mark.candidate")
        assert [m.text.lower() for m in marked] == ["cultural"]
        screenshot(driver, "ui-candidate", tmp_path)


def test_the_interface_starts_in_the_browsers_language_and_keeps_the_chosen_one_on_reload(tmp_path):
    """A French browser gets the French interface; a language picked in the sidebar goes into the
    address (?lang=es), so reloading the page, or opening it again from a bookmark, keeps it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from analyser import i18n

    def title_is(driver, lang):
        WebDriverWait(driver, 60).until(
            EC.presence_of_element_located((By.XPATH, f"//h1[contains(., \"{i18n.text(lang, 'ui.title')}\")]")))

    with streamlit_app() as url:
        with chromium(lang="fr-FR") as driver:
            driver.get(url)
            title_is(driver, "fr")
            WebDriverWait(driver, 60).until(lambda d: i18n.text("fr", "ui.uploader_button") in d.execute_script(VISIBLE_TEXT))
            screenshot(driver, "ui-browser-language-fr", tmp_path)
        with chromium(lang="en-GB") as driver:
            driver.get(url)
            title_is(driver, "en")
            wait = WebDriverWait(driver, 60)
            wait.until(EC.element_to_be_clickable(
                (By.CSS_SELECTOR, "[data-testid='stSidebar'] [data-testid='stSelectbox'] input"))).click()
            wait.until(EC.element_to_be_clickable((By.XPATH, "//*[@role='option'][contains(., 'Español')]"))).click()
            title_is(driver, "es")
            wait.until(lambda d: "lang=es" in d.current_url)
            driver.refresh()
            title_is(driver, "es")
            bookmark = driver.current_url
        with chromium(lang="fr-FR") as driver:  # the address wins over the browser's language
            driver.get(bookmark)
            title_is(driver, "es")


def test_a_lettered_list_after_a_blank_line_shows_its_marks_not_their_markup(tmp_path):
    """The Montevideo Treaty's Art. 50 lists its exceptions as indented lettered lines after a
    blank one; read as Markdown they became a code block showing "<mark style=...>" as text. The
    card shows the treaty's words with the national-treasures evidence marked, and no markup."""
    from selenium.webdriver.common.by import By

    with streamlit_app() as url, chromium(lang="es-ES") as driver:
        upload_and_wait(driver, url, CORPORA / "texts" / "es-tratado-de-montevideo-1980-aladi.txt")
        card = _until(driver, lambda d: next((t for t in d.find_elements(By.CSS_SELECTOR, "div.provision-text")
                                              if "patrimonio nacional" in t.get_attribute("textContent")), None))
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", card)
        screenshot(driver, "ui-es-lettered-list", tmp_path)
        shown = card.get_attribute("textContent")
        assert "<mark" not in shown and "</div>" not in shown and "f) Protección del patrimonio nacional" in " ".join(shown.split())
        marked = [m.text for m in card.find_elements(By.TAG_NAME, "mark")]
        assert any("patrimonio nacional" in m for m in marked), marked
        assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stCode']")
