"""Screenshot a report page with Debian's chromium (for docs/report.png): no browser is downloaded.

    python -m corpuskit.report.screenshot out/report.html docs/report.png
"""

from __future__ import annotations

import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def screenshot(page_path: Path, png: Path, width: int = 1280, height: int = 1400, scroll_to: str = "#top") -> Path:
    """Open ``page_path`` from disk, scroll to ``scroll_to`` (by default the "largest share removed"
    list, so the documents' inline diff shows below it) and save a PNG of the viewport."""
    from playwright.sync_api import sync_playwright  # optional: the test extra installs it

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(Path(page_path).resolve().as_uri())
        page.wait_for_selector("#doc-list article.doc")
        page.eval_on_selector(scroll_to, "e => (e.previousElementSibling || e).scrollIntoView()")
        page.screenshot(path=str(png), full_page=False)
        browser.close()
    return png


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m corpuskit.report.screenshot REPORT.html OUT.png")
    print(screenshot(Path(sys.argv[1]), Path(sys.argv[2])))
