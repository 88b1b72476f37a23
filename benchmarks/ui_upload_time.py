"""Seconds from upload to scorecard in the Streamlit app, in headless Chromium, for real PDFs
(default: the 77-page AfCFTA and the 510-page RCEP), with a screenshot of each.

Usage: python benchmarks/ui_upload_time.py [PDF ...] [--shots DIR]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium, requested_hosts, streamlit_app, upload_and_wait  # noqa: E402

DEFAULTS = [ROOT / "corpora" / "pdf" / "afcfta-agreement-en.pdf", ROOT.parent / "shared" / "corpora" / "pdf" / "rcep-agreement-en.pdf"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pdfs", nargs="*", type=Path, default=DEFAULTS)
    ap.add_argument("--shots", type=Path, default=ROOT / "docs")
    args = ap.parse_args()
    args.shots.mkdir(exist_ok=True)
    with streamlit_app() as url:
        for pdf in args.pdfs:
            with chromium() as driver:  # a fresh browser and session each: no cache from before
                seconds = upload_and_wait(driver, url, pdf)
                shot = args.shots / f"ui-{pdf.stem}.png"
                driver.save_screenshot(str(shot))
                hosts = requested_hosts(driver)
            print(f"{pdf.name}: upload to scorecard {seconds:.1f} s; screenshot {shot}; hosts {sorted(hosts)}")


if __name__ == "__main__":
    main()
