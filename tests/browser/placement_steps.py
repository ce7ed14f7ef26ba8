"""Steps the placement journeys share: rating every statement of an audit part, filling a GOV.UK
date, finding a task on the person's home."""

from datetime import date

from playwright.sync_api import Locator


def sign_in_as(ui, local: str) -> None:
    """`local` at their own computer: signed in afresh the first time, and still signed in when
    they come back to it later in the journey (a second sign-in within one TOTP period would
    offer the code just used, which is refused as it should be)."""
    context = ui.page.context
    sessions = ui.__dict__.setdefault("placement_sessions", {})
    current = ui.__dict__.get("placement_person")
    if current is not None:
        sessions[current] = context.cookies()
    context.clear_cookies()
    if local in sessions:
        context.add_cookies(sessions[local])
        ui.goto("/home/")
    else:
        ui.sign_in(local)
    ui.placement_person = local


def task_row(ui, person: str) -> Locator:
    """The row of the home's task table about `person` (tasks read "For" a person)."""
    return ui.main.locator("tr", has_text=person)


def rate_every_statement(ui, answer: str) -> Locator:
    """Give every statement of the person's audit part the same rating; return the form."""
    form = ui.main.locator("form", has=ui.page.get_by_role("button", name="Submit your part"))
    groups = form.locator("fieldset")
    for n in range(groups.count()):
        ui.choose(answer, exact=True, within=groups.nth(n))
    return form


def fill_date(ui, legend: str, day: date) -> None:
    """A GOV.UK date (day, month and year boxes in a group named by its legend)."""
    group = ui.main.get_by_role("group", name=legend)
    ui.fill("Day", str(day.day), within=group)
    ui.fill("Month", str(day.month), within=group)
    ui.fill("Year", str(day.year), within=group)


def labels_of(fields: Locator) -> list[str]:
    """The label of each of these form controls, as a person reads it."""
    return [
        label.strip()
        for label in fields.evaluate_all("els => els.map(el => el.labels[0].innerText)")
    ]


def write_every_criterion(ui, text: str) -> None:
    """Evidence for every criterion of a draft application (one text area each)."""
    for label in labels_of(ui.main.locator("form textarea")):
        ui.fill(label, text, exact=True)
