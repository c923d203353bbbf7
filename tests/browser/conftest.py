"""A headless Chromium (Debian's, at /usr/bin/chromium) driven by Playwright against a live server.

Screenshots of every page a test visits are kept in memory and written to
``test-results/<test name>/`` only when the test fails.
"""

import re
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.workers.conftest import tiny_models, workers  # noqa: F401 - fixtures

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class Browser:
    """A page plus the screenshots of everything it showed."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url, self.shots = page, base_url, []

    def visit(self, path: str):
        self.page.goto(self.base_url + path)
        self.snap()
        return self.page

    def snap(self, label: str = "") -> None:
        name = label or re.sub(r"[^a-z0-9]+", "-", self.page.url.split("//", 1)[-1].lower()).strip("-")
        self.shots.append((f"{len(self.shots):02d}-{name[:80]}.png", self.page.screenshot(full_page=True)))


@pytest.fixture
def browser(request, live_server, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = chromium.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
        session = Browser(context.new_page(), live_server.url)
        try:
            yield session
        finally:
            failed = getattr(request.node, "rep_call", None) is None or request.node.rep_call.failed
            if failed:
                folder = RESULTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
                folder.mkdir(parents=True, exist_ok=True)
                try:
                    session.snap("at-failure")
                except Exception:  # noqa: BLE001 - the page may already be gone
                    pass
                for name, data in session.shots:
                    (folder / name).write_bytes(data)
            chromium.close()
            # The test body ran inside Playwright's context, which Django's connection handler sees as
            # its own: close those connections here, or the test database cannot be dropped at the end.
            connections.close_all()
