"""Drive the Streamlit app in headless Debian Chromium (Selenium, no browser download):
start it on loopback, upload a file, wait for the scorecard, and record every request made."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_app():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextmanager
def chromium(downloads: Path | None = None, lang: str | None = None):
    """Headless Chromium; `lang` is the language the browser asks pages for (fr-FR, say)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="analyser-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--window-size=1600,1400", f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    prefs = {}
    if lang is not None:
        opts.add_argument(f"--lang={lang}")
        prefs["intl.accept_languages"] = lang
    if downloads is not None:
        prefs |= {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    if prefs:
        opts.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    if downloads is not None:  # headless Chromium saves downloads only when told where
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_hosts(driver) -> set[str]:
    hosts = set()
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            parsed = urlparse(url)
            if parsed.scheme in {"http", "https", "ws", "wss"}:
                hosts.add(parsed.hostname)
    return hosts


def upload_and_wait(driver, url: str, path: Path, timeout: float = 300) -> float:
    """Open the app, upload `path`, return seconds from upload to the scorecard on screen."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    wait = WebDriverWait(driver, 60)
    file_input = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[type='file']")))
    start = time.perf_counter()
    file_input.send_keys(str(path))
    WebDriverWait(driver, timeout).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, "span.status[data-check='G8']")))
    return time.perf_counter() - start


def screenshot(driver, name: str, folder: Path) -> Path:
    """Save a screenshot in `folder`, and in $ANALYSER_SCREENSHOTS too when set (docs/ for the notes)."""
    import os

    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    if os.environ.get("ANALYSER_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["ANALYSER_SCREENSHOTS"]) / path.name)
    return path


def wait_for_file(folder: Path, suffix: str, timeout: float = 30) -> Path:
    """The first finished download ending in `suffix`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded in {timeout} s: {sorted(p.name for p in folder.iterdir())}")
