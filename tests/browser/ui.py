"""A person using the site in a browser, in one of several ways (modes), and the checks every page
they reach must pass.

Journeys are written once against `UI` (follow a link, press a button, fill a field by its
label) and run in every mode: a desktop browser with axe-core on every page; keyboard alone with
text at 200%; a phone (390x844); no JavaScript in a 320 px wide window. Finding things by their accessible role
and name is itself a check: a control a journey cannot find by its label has no usable label.
"""

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from axe_playwright_python.base import AXE_FILE_PATH, AXE_SCRIPT
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_totp_secret

SCREENSHOTS = os.environ.get("CAPABLE_SCREENSHOTS")
# While writing a journey: print the problems found on each page instead of failing on them.
REPORT_ONLY = bool(
    os.environ.get("CAPABLE_BROWSER_REPORT_ONLY")
)  # a folder: take screenshots into it
MAX_TABS = 400
# axe-core reports only its violations (what the checks read): much less to build and send.
AXE_OPTIONS = {"resultTypes": ["violations"]}
# The desktop mode's pages get axe-core as they are created (`new_page`), not sent over with
# every check; a page without it (the harness's own pages) gets it sent.
AXE_INIT_SCRIPT = AXE_FILE_PATH
_AXE_RUN = """async options => {
  if (typeof window.axe === 'undefined') return null;
  return await window.axe.run(document, options);
}"""


@dataclass(frozen=True)
class Mode:
    name: str
    width: int = 1280
    height: int = 800
    javascript: bool = True
    keyboard: bool = False
    text_zoom: int = 100
    axe: bool = False
    mobile: bool = False


# Every journey runs in each of these. Each condition the site must meet is in at least one
# mode, and two are paired where they do not get in each other's way, which keeps the run short:
# keyboard alone with text at 200%, and no JavaScript in a 320 px window.
MODES = [
    Mode("desktop", axe=True),
    Mode("keyboard-text-200", keyboard=True, text_zoom=200),
    Mode("phone", width=390, height=844, mobile=True),
    Mode("no-js-320px", width=320, height=640, javascript=False),
]
MODE_NAMES = [mode.name for mode in MODES]

# Text zoom as a browser's font-size setting does it: the root font size doubles and everything
# sized in rem or em grows with it (GOV.UK Frontend sizes text in rem).
TEXT_ZOOM_CSS = "\nhtml { font-size: %d%% !important; }\n"

# The focus can be seen when something visible about the element (or what draws it: its shapes,
# its label's box) differs between focused and not: outline, shadow, colours, underline.
_FOCUS_VISIBLE = """el => {
  const props = ['outlineStyle', 'outlineWidth', 'outlineColor', 'boxShadow', 'backgroundColor',
    'color', 'fill', 'stroke', 'strokeWidth', 'textDecorationLine', 'borderColor'];
  const parts = [el, ...Array.from(el.querySelectorAll('*')).slice(0, 50)];
  const look = () => {
    const out = [];
    for (const part of parts) out.push(getComputedStyle(part));
    for (const label of el.labels || []) {
      out.push(getComputedStyle(label), getComputedStyle(label, '::before'),
               getComputedStyle(label, '::after'));
    }
    return out.map(s => props.map(p => s[p]).join('|')).join('/');
  };
  const focused = look();
  el.blur();
  const plain = look();
  el.focus();
  return focused !== plain;
}"""

_WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  let widest = null;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && (!widest || box.right > widest.right)) {
      let inScroller = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { inScroller = true; break; }
      }
      if (!inScroller) widest = {right: Math.round(box.right), tag: el.tagName.toLowerCase(),
        cls: el.className && el.className.baseVal === undefined ? el.className : '',
        text: (el.textContent || '').trim().slice(0, 60)};
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, widest};
}"""


# How many Tab presses from the focused element (or the page's start) reach the first of `els`:
# 0 when one already has focus or the page cannot tell (then the harness asks after every press).
_TABS_AHEAD = """els => {
  const candidates = 'a[href], area[href], button, input, select, textarea, iframe, summary,'
    + ' [tabindex], [contenteditable="true"], [contenteditable=""]';
  const all = Array.from(document.querySelectorAll(candidates));
  if (all.some(el => el.tabIndex > 0)) return 0;
  const radios = new Map();
  const stops = all.filter(el => {
    if (el.tabIndex < 0 || el.disabled || el.type === 'hidden' || el.closest('[inert]')) return false;
    if (!el.checkVisibility({visibilityProperty: true})) return false;
    if (el.tagName === 'SUMMARY' && el.parentElement.querySelector(':scope > summary') !== el)
      return false;
    if (el.type === 'radio' && el.name) {
      const key = (el.form ? 'f' : '') + el.name;
      if (!radios.has(key)) radios.set(key, []);
      radios.get(key).push(el);
    }
    return true;
  });
  const skip = new Set();
  for (const group of radios.values()) {
    const stop = group.find(el => el.checked) || group[0];
    for (const el of group) if (el !== stop) skip.add(el);
  }
  const order = stops.filter(el => !skip.has(el));
  const active = document.activeElement;
  if (els.includes(active)) return 0;
  let from = order.indexOf(active);
  if (from < 0 && active && active !== document.body) {
    // Focus inside something that is not a stop (an error summary): the next stop after it.
    const next = order.findIndex(
      el => active.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    from = next < 0 ? order.length : next - 1;
  }
  const to = order.findIndex((el, i) => i > from && els.includes(el));
  if (to >= 0) return to - from;
  // Behind the focus: Tab runs off the end of the page and starts again at the top.
  const first = order.findIndex(el => els.includes(el));
  return first < 0 ? 0 : order.length - from + first;
}"""


def run_axe(page) -> dict:
    """axe-core's results for the page: the copy the page was created with, or one sent now."""
    results = page.evaluate(_AXE_RUN, AXE_OPTIONS)
    if results is None:
        page.evaluate(AXE_SCRIPT)
        results = page.evaluate(_AXE_RUN, AXE_OPTIONS)
    return results


class PageProblem(AssertionError):
    pass


class UI:
    def __init__(self, page: Page, site, mode: Mode):
        self.page = page
        self.site = site
        self.mode = mode
        self.visited: list[str] = []

    # -- getting around ---------------------------------------------------------------------
    def goto(self, path: str) -> None:
        response = self.page.goto(self.site.url + path)
        self._arrived(response)

    def sign_in(self, local: str) -> None:
        """Sign in as a demo person (their email's local part), with their TOTP code if staff."""
        email = f"{local}@{DEMO_DOMAIN}"
        self.goto("/accounts/login/")
        self.fill(re.compile(r"^Email( address)?$"), email)
        self.fill("Password", DEMO_PASSWORD, exact=True)
        sign_in = re.compile(r"^sign in$", re.IGNORECASE)  # allauth's 2FA page: "Sign In"
        self.press(sign_in)
        if "/2fa/authenticate" in self.page.url:
            self.fill("Code", self._unused_totp_code(email))
            self.press(sign_in)
        assert "/accounts/login" not in self.page.url, f"{local} could not sign in"
        assert "/2fa/" not in self.page.url, f"{local}: the TOTP code was refused"

    def follow(self, name: str | re.Pattern, *, within: Locator | None = None, exact=False):
        """Follow a link by its accessible name (to another page)."""
        link = (within or self.page).get_by_role("link", name=name, exact=exact)
        self._activate(link, navigates=True)

    def press(
        self, name: str | re.Pattern, *, within: Locator | None = None, exact=False, navigates=True
    ):
        """Press a button by its accessible name; by default it loads a page."""
        button = (within or self.page).get_by_role("button", name=name, exact=exact)
        self._activate(button, navigates=navigates)

    def open(self, summary: str | re.Pattern) -> None:
        """Open a <details> by its summary text."""
        target = self.page.locator("summary", has_text=summary)
        if target.first.evaluate("el => el.parentElement.open"):
            return
        self._activate(target, navigates=False)

    def download(self, name: str | re.Pattern, *, within: Locator | None = None, exact=False):
        """A download link: reached as the person would (by keyboard in that mode), fetched with
        their cookies. Returns Playwright's APIResponse (status checked)."""
        link = (within or self.page).get_by_role("link", name=name, exact=exact)
        self._reveal(link)
        expect(link).to_have_count(1)
        if self.mode.keyboard:
            self._tab_to(link)
        response = self.page.context.request.get(urljoin(self.page.url, link.get_attribute("href")))
        assert response.ok, f"{name}: {response.status}"
        return response

    # -- filling in forms -------------------------------------------------------------------
    def field(self, label: str | re.Pattern, *, exact=False, within=None) -> Locator:
        return (within or self.page).get_by_label(label, exact=exact)

    def fill(self, label: str | re.Pattern, text: str, *, exact=False, within=None) -> None:
        target = self.field(label, exact=exact, within=within)
        if self.mode.keyboard:
            self._tab_to(target)
            self.page.keyboard.press("ControlOrMeta+A")
            self.page.keyboard.press("Delete")
            if text:
                self.page.keyboard.type(text)
        else:
            target.fill(text)
        expect(target).to_have_value(text)

    def check(self, label: str | re.Pattern, *, exact=False, within=None) -> None:
        target = self.field(label, exact=exact, within=within)
        if self.mode.keyboard:
            self._tab_to(target)
            if not target.is_checked():
                self.page.keyboard.press("Space")
        else:
            target.check()
        expect(target).to_be_checked()

    def choose(self, label: str | re.Pattern, *, exact=False, within=None) -> None:
        """Choose a radio button."""
        target = self.field(label, exact=exact, within=within)
        if self.mode.keyboard:
            name = target.get_attribute("name")
            group = self.page.locator(f'input[type="radio"][name="{name}"]')
            self._tab_to(group, any_of=True)
            for _ in range(group.count()):
                if target.is_checked():
                    break
                self.page.keyboard.press("ArrowDown")
        else:
            target.check()
        expect(target).to_be_checked()

    def select(self, label: str | re.Pattern, option: str, *, exact=False, within=None) -> None:
        target = self.field(label, exact=exact, within=within)
        if self.mode.keyboard:
            self._tab_to(target)
            self.page.keyboard.type(option)
        else:
            target.select_option(label=option)
        chosen = target.evaluate("el => el.options[el.selectedIndex].text.trim()")
        assert chosen == option, f"{label}: chose {chosen!r}, not {option!r}"

    def upload(self, label: str | re.Pattern, path: Path, *, exact=False, within=None) -> None:
        target = self.field(label, exact=exact, within=within)
        if self.mode.keyboard:
            self._tab_to(target)
            # The chooser can take a while to open on a busy machine (seen at 10 s, and once
            # not at all within 30 s): if it has not opened, the key is pressed once more, on
            # the same field, which still has focus.
            for attempt in (1, 2):
                try:
                    with self.page.expect_file_chooser(timeout=20_000) as chooser:
                        self.page.keyboard.press("Space")
                    break
                except PlaywrightTimeoutError:
                    if attempt == 2:
                        raise
                    assert target.evaluate("el => el === document.activeElement"), label
            chooser.value.set_files(path)
        else:
            target.set_input_files(path)

    # -- what the person sees ---------------------------------------------------------------
    @property
    def main(self) -> Locator:
        return self.page.locator("main")

    def see(self, text: str | re.Pattern) -> None:
        expect(self.main).to_contain_text(text)

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def expect_heading(self, text: str | re.Pattern) -> None:
        expect(self.page.locator("h1")).to_contain_text(text)

    def screenshot(self, name: str) -> None:
        """A picture for docs/screenshots, at desktop and phone size (only when
        CAPABLE_SCREENSHOTS names a folder: `make screenshots`): the top of the page, at most
        two windows high, one image pixel per CSS pixel (the README's files stay small)."""
        if not SCREENSHOTS or self.mode.name not in ("desktop", "phone"):
            return
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        tall = self.page.evaluate("document.documentElement.scrollHeight")
        box = {"x": 0, "y": 0, "width": self.mode.width, "height": min(tall, 2 * self.mode.height)}
        self.page.screenshot(
            path=folder / f"{name}-{self.mode.name}.png", full_page=True, clip=box, scale="css"
        )

    # -- how a person acts, per mode ----------------------------------------------------------
    def _reveal(self, target: Locator) -> None:
        """On a narrow screen with JavaScript the header's links sit behind the Menu button
        (hidden links have no role, so a link not found may be one of them)."""
        if target.count() and target.first.is_visible():
            return
        toggle = self.page.locator(".govuk-service-navigation__toggle")
        if (
            toggle.count()
            and toggle.is_visible()
            and toggle.get_attribute("aria-expanded") != "true"
        ):
            self._act(toggle)

    def _activate(self, target: Locator, *, navigates: bool) -> None:
        self._reveal(target)
        expect(target).to_have_count(1)
        if navigates:
            with self.page.expect_navigation(wait_until="load") as navigation:
                self._act(target)
            self._arrived(navigation.value)
        else:
            self._act(target)

    def _act(self, target: Locator) -> None:
        if self.mode.keyboard:
            self._tab_to(target)
            key = "Enter"
            if target.evaluate("el => el.type === 'checkbox' || el.type === 'radio'"):
                key = "Space"
            self.page.keyboard.press(key)
        else:
            target.click()

    def _tab_to(self, target: Locator, *, any_of: bool = False) -> None:
        """Press Tab until the target has focus, then check that the focus can be seen.

        The page is asked first how many presses should reach the target (its tab order, worked
        out as the browser does for ordinary pages); all but the last are pressed without asking
        again, then each press is followed by the question "is the target focused yet?". When
        the page cannot tell (a positive tabindex, a radio that is not its group's stop), every
        press is checked. Either way only Tab moves the focus.
        """
        query = (
            "(els) => els.some(el => el === document.activeElement)"
            if any_of
            else "(els) => els.length === 1 && els[0] === document.activeElement"
        )
        ahead = target.evaluate_all(_TABS_AHEAD)
        for _ in range(max(ahead - 1, 0)):
            self.page.keyboard.press("Tab")
        for _ in range(MAX_TABS):
            if target.evaluate_all(query):
                break
            self.page.keyboard.press("Tab")
        else:
            raise PageProblem(f"{self.page.url}: Tab never reached {target} ({MAX_TABS} presses)")
        focused = self.page.locator(":focus")
        if not focused.evaluate(_FOCUS_VISIBLE):
            raise PageProblem(f"{self.page.url}: no visible focus indicator on {target}")

    # -- checks on every page -----------------------------------------------------------------
    def _arrived(self, response) -> None:
        url = self.page.url
        self.visited.append(url)
        if response is not None and response.status >= 400:
            raise PageProblem(f"{url} answered {response.status}")
        problems = self.page_problems()
        if problems and REPORT_ONLY:
            print(f"\n{url} ({self.mode.name}):\n  " + "\n  ".join(problems))
        elif problems:
            raise PageProblem(f"{url} ({self.mode.name}):\n  " + "\n  ".join(problems))

    def page_problems(self) -> list[str]:
        page = self.page
        problems = []
        title = page.title()
        if not title.strip():
            problems.append("the page has no title")
        h1s = page.locator("h1").count()
        if h1s != 1:
            problems.append(f"{h1s} h1 headings, not one")
        width = page.evaluate(_WIDEST)
        if width["scroll"] > width["width"]:
            problems.append(
                f"scrolls sideways: {width['scroll']} px wide in a {width['width']} px window"
                f" (widest: {json.dumps(width['widest'])})"
            )
        if page.locator(".govuk-error-summary").count():
            if not title.startswith("Error: "):
                problems.append(f"errors shown but the title does not start 'Error: ': {title}")
            focused = page.evaluate(
                "() => !!document.activeElement"
                " && !!document.activeElement.closest('.govuk-error-summary')"
            )
            if not focused:
                problems.append("errors shown but the error summary does not have focus")
        if self.mode.axe:
            for violation in run_axe(page)["violations"]:
                targets = "; ".join(
                    " ".join(node["target"]) if isinstance(node["target"], list) else node["target"]
                    for node in violation["nodes"][:5]
                )
                problems.append(f"axe {violation['id']}: {violation['help']} [{targets}]")
        return problems

    # -- added for the practitioner journeys ---------------------------------------------------
    def sign_out(self) -> None:
        """Sign out from the header's link and allauth's confirmation page."""
        self.follow("Sign out", within=self.page.locator("header"))
        if "/accounts/logout" in self.page.url:
            self.press(re.compile(r"^sign out$", re.IGNORECASE), within=self.main)

    def _unused_totp_code(self, email: str) -> str:
        """The current TOTP code, or (when this journey has used it already: allauth refuses a
        code twice) the next or previous one, which the browser settings accept."""
        import time

        import pyotp

        totp = pyotp.TOTP(demo_totp_secret(email))
        used = self.__dict__.setdefault("_used_codes", set())
        now = time.time()
        for at in (now, now + totp.interval, now - totp.interval):
            code = totp.at(at)
            if (email, code) not in used:
                used.add((email, code))
                return code
        raise PageProblem(f"{email}: signed in more than three times in 30 seconds")
