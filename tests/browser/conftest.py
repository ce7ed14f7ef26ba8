"""Browser journeys: Playwright driving Debian's Chromium against the seeded demo site.

`make test` installs Chromium where it can (`make browser`); where there is none these tests are
skipped with that reason, never silently. Each journey takes the `ui` fixture and runs once per
mode (tests/browser/ui.py); `site` is the demo site, reset to the seeded state before each one.
"""

import os
import shutil
from pathlib import Path

import pytest

from .ui import AXE_INIT_SCRIPT, MODE_NAMES, MODES, SCREENSHOTS, TEXT_ZOOM_CSS, UI

CHROMIUM = os.environ.get("CAPABLE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _why_not() -> str | None:
    if not Path(CHROMIUM).exists():
        return (
            f"Chromium is not installed ({CHROMIUM} not found): `make browser` installs it "
            "with apt-get install chromium where it can"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    return None


WHY_NOT = _why_not()


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            if WHY_NOT:
                item.add_marker(pytest.mark.skip(reason=WHY_NOT))


@pytest.fixture(scope="package")
def site(tmp_path_factory):
    from .site import DemoSite

    demo = DemoSite(tmp_path_factory.mktemp("browser-site"))
    demo.build()
    demo.start()
    yield demo
    demo.stop()


@pytest.fixture(scope="package")
def chromium():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop on this thread; Django refuses ORM calls there
    # unless told it is safe (the tests' own ORM use is synchronous and single-threaded).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def new_page(chromium, site, mode):
    context = chromium.new_context(
        viewport={"width": mode.width, "height": mode.height},
        java_script_enabled=mode.javascript,
        is_mobile=mode.mobile,
        has_touch=mode.mobile,
        # A phone's sharper screen only matters to the README's screenshots; drawing four times
        # the pixels on every page would slow every phone journey for nothing the checks read.
        device_scale_factor=2 if mode.mobile and SCREENSHOTS else 1,
        locale="en-GB",
        timezone_id="Europe/London",
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    if mode.axe:
        context.add_init_script(path=AXE_INIT_SCRIPT)
    if mode.text_zoom != 100:
        extra = TEXT_ZOOM_CSS % mode.text_zoom

        def zoom(route):
            response = route.fetch()
            route.fulfill(response=response, body=response.text() + extra)

        context.route("**/static/css/site.css", zoom)
    return context, context.new_page()


@pytest.fixture(params=MODE_NAMES)
def ui(request, chromium, site):
    mode = next(m for m in MODES if m.name == request.param)
    site.reset()
    context, page = new_page(chromium, site, mode)
    yield UI(page, site, mode)
    context.close()
