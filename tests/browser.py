"""Headless Chromium for the report tests and the README screenshot.

Drives Debian's Chromium (/usr/bin/chromium, or $PROTOVERIFY_CHROMIUM) with Playwright, launched with
`executable_path`: Playwright never downloads a browser of its own here. Every request a page makes
is recorded, and any that is not a local file is blocked, so a page that tries to fetch something is
caught without touching the network. Console messages and uncaught page errors are recorded too.

Refresh the README's screenshot with:

    .venv/bin/python tests/browser.py out/report/stockport_2019.html docs/img/report.png
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path(os.environ.get("PROTOVERIFY_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 1000}


@dataclass
class Visit:
    """What happened while a page loaded: every request, console message and uncaught error."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    errors: list[str] = field(default_factory=list)


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (a fresh profile each time), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def visit(browser, page_file: Path) -> Iterator[tuple]:
    """A page opened on `page_file`, and what it did while loading (`Visit`)."""
    seen = Visit()
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()

    def route(route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            seen.blocked.append(url)
            route.abort()

    page.route("**/*", route)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: seen.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.goto(page_file.resolve().as_uri(), wait_until="load")
    try:
        yield page, seen
    finally:
        context.close()


def screenshot(page_file: Path, target: Path) -> None:
    """A screenshot of the top of a page (what a reader sees first), written to `target`."""
    with chromium() as browser, visit(browser, page_file) as (page, _):
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python tests/browser.py REPORT.html SCREENSHOT.png")
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {sys.argv[2]}")
