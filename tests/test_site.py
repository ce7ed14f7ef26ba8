"""Site-wide behaviour: the page tree, the seed, security headers and error pages."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.models import Page, Site

from accounts.models import User
from appraisals.models import Appraisal
from capabilities.models import Association, FrameworkVersion, Item
from cms.models import ContentPage, HomePage
from cms.site_content import ensure_site_pages
from organisations.models import Membership, Organisation, Role
from placements.models import Designation, Placement
from portfolios.guard import check_fields
from portfolios.models import Comment, Entry, Share

from .written_text import written_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_pages(db):
    return ensure_site_pages()


def test_home_page_is_the_site_root(client, site_pages):
    assert Site.objects.get(is_default_site=True).root_page.specific == site_pages
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Capable" in html
    assert 'href="/guidance/"' in html


def test_guidance_pages_render_with_their_children(client, site_pages):
    response = client.get("/guidance/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/guidance/reading-the-framework/"' in html
    response = client.get("/guidance/reading-the-framework/")
    assert response.status_code == 200
    assert "govuk-inset-text" in response.content.decode()


def test_site_pages_are_created_once(site_pages):
    ensure_site_pages()
    assert HomePage.objects.count() == 1
    assert ContentPage.objects.filter(slug="guidance").count() == 1
    # Wagtail's placeholder welcome page is gone.
    assert Page.objects.filter(depth=2).count() == 1


def test_seed_loads_everything_and_is_idempotent(client):
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115

    def counts():
        return tuple(
            model.objects.count()
            for model in (
                FrameworkVersion,
                Item,
                Association,
                Page,
                User,
                Membership,
                Organisation,
                Entry,
                Share,
                Comment,
                Appraisal,
                Placement,
                Designation,
            )
        )

    first = counts()
    # The four shipped frameworks and the invented example standards (demo data only).
    assert FrameworkVersion.objects.published().count() == 5
    from capabilities.demo import EXAMPLE_VERSION
    from portfolios.coverage import standards_coverage

    priya = User.objects.get(email="priya.practitioner@demo.capable.test")
    example = next(c for c in standards_coverage(priya) if c.version.slug == EXAMPLE_VERSION)
    # Her older evidence, mapped to the post-qualifying standards, counts on the example.
    assert example.entries_counted == example.through_crosswalk > 0
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(Organisation.objects.values_list("kind", flat=True)) >= {
        "local-authority",
        "voluntary",
        "hei",
        "awarding-body",
    }
    # Demo portfolios: generated text that the identifying-information guard passes as clean.
    assert Entry.objects.count() >= 30 and Share.objects.exists() and Comment.objects.exists()
    for entry in Entry.objects.all():
        assert not check_fields(entry.text_fields()), entry.title
    # Everything else the demo people wrote (comments, appraisals, audits, reviews,
    # designations, placement steps) passes the guard too.
    texts = list(written_text())
    assert {where.split()[0] for where, _text in texts} >= {
        "Comment",
        "Answer",
        "Objective",
        "AuditPart",
        "CriterionEvidence",
        "Designation",
    }
    for where, text in texts:
        assert not check_fields({"text": text}), f"{where}: {text}"
    # Demo appraisals: one completed, one at the mid-year review, an ASYE at six months, and a
    # line manager's against the practice supervisor standards.
    statuses = dict(
        Appraisal.objects.values_list("appraisee__email", "status").filter(
            appraisee__email__endswith="@demo.capable.test"
        )
    )
    assert statuses == {
        "priya.practitioner@demo.capable.test": "completed",
        "ravi.practitioner@demo.capable.test": "in-progress",
        "alex.asye@demo.capable.test": "in-progress",
        "morgan.manager@demo.capable.test": "in-progress",
    }
    alex = Appraisal.objects.get(appraisee__email="alex.asye@demo.capable.test")
    assert alex.template.kind == "asye"
    assert alex.stages.get(status="open").template_stage.name == "Six-month interim review"
    ravi = Appraisal.objects.get(appraisee__email="ravi.practitioner@demo.capable.test")
    assert ravi.stages.get(status="open").template_stage.name == "Mid-year review"
    # Demo placements: a year of them, audits at every stage, an APS designation about to
    # expire, a teaching organisation and a partnership review.
    assert Placement.objects.count() >= 10
    assert set(Placement.objects.values_list("status", flat=True)) >= {"in-progress", "completed"}
    aps = Designation.objects.get(organisation__slug="northshire", kind="aps")
    assert aps.is_current() and 0 <= (aps.expires_on - timezone.localdate()).days <= 90
    assert Designation.objects.filter(organisation__slug="brightpath", kind="teaching").exists()
    # Everyone named on a demo placement still holds the role it was agreed on, so still opens it.
    from placements.rules import NAMED_ROLES, named_roles_in

    for placement in Placement.objects.all():
        for field in NAMED_ROLES:
            person = getattr(placement, field)
            if person is not None:
                assert field in named_roles_in(person, placement), (field, placement)
    # Everyone the access rules let read another's record has the second factor the README lists.
    from accounts.mfa import has_mfa, requires_mfa

    lacking = [u.email for u in User.objects.all() if requires_mfa(u) and not has_mfa(u)]
    assert lacking == []
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first
    assert client.get("/framework/").status_code == 200


def test_seed_refuses_where_demo_data_is_not_allowed(settings):
    settings.CAPABLE_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="never runs with production settings"):
        call_command("seed")
    assert not FrameworkVersion.objects.exists()


def test_public_pages_send_a_strict_content_security_policy(client, pcf):
    policy = client.get("/framework/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_admin_gets_its_own_looser_policy(client):
    policy = client.get("/admin/").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" in policy


def test_pages_load_no_inline_script(client, pcf, site_pages):
    for url in ("/", "/framework/", "/search/?q=statement", "/guidance/"):
        html = client.get(url).content.decode()
        for tag in html.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], f"inline script on {url}"


def test_404_is_designed(client, db):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'action="/search/"' in html


def test_a_demo_staff_account_signs_in_with_password_and_its_listed_totp_secret(client):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    from accounts.demo import DEMO_PASSWORD, demo_totp_secret

    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    email = "sam.psw@demo.capable.test"
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    counter = next(yield_hotp_counters_from_time())
    code = format_hotp_value(hotp_value(demo_totp_secret(email), counter))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    psw = User.objects.get(email=email)
    assert client.get(f"/people/{psw.uuid}/").status_code == 200


def test_readme_lists_every_demo_account_with_its_real_totp_secret():
    import re
    from pathlib import Path

    from accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD, PEOPLE, demo_totp_secret, needs_demo_totp

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert DEMO_PASSWORD in readme
    rows = dict(
        re.findall(r"\| `(\S+@" + re.escape(DEMO_DOMAIN) + r")` \|[^|]*\| (\S+) \|", readme)
    )
    for local, *_rest in PEOPLE:
        email = f"{local}@{DEMO_DOMAIN}"
        role = _rest[3]
        expected = f"`{demo_totp_secret(email)}`" if needs_demo_totp(local, role) else "—"
        assert rows[email] == expected, email


def test_header_offers_sign_in_or_the_account(client, pcf):
    from accounts.factories import UserFactory

    html = client.get("/framework/").content.decode()
    assert 'href="/accounts/login/"' in html
    user = UserFactory()
    client.force_login(user)
    html = client.get("/framework/").content.decode()
    assert 'href="/accounts/logout/"' in html
    # Their record is one of the areas on their home (cms.home), which the header links to.
    assert 'href="/home/"' in html
    assert f'href="/people/{user.uuid}/"' in client.get("/home/").content.decode()
