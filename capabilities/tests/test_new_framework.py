"""New standards arrive as data: the example early career standards (a CASE package with its
crosswalk from the PQS), the shared crosswalk rules, and the administrators' guidance page."""

import json

import pytest
from django.contrib.auth.models import Permission

from accounts.factories import UserFactory
from capabilities import crosswalk
from capabilities.demo import (
    EXAMPLE_VERSION,
    REPLACED_VERSION,
    ensure_example_framework,
    example_package,
)
from capabilities.factories import build_standards
from capabilities.factories import crosswalk as store_crosswalk
from capabilities.interchange import case
from capabilities.models import Association, FrameworkVersion, Item
from capabilities.services import (
    DATA_DIR,
    create_draft_version,
    derived_identifier,
    load_shipped_frameworks,
    publish_version,
)
from capabilities.tasks import areas_for

pytestmark = pytest.mark.django_db

GUIDANCE_URL = "/framework/guidance/new-framework/"
REPLACED = Association.Type.REPLACED_BY
EXACT = Association.Type.EXACT_MATCH_OF


@pytest.fixture
def shipped(db):
    load_shipped_frameworks()


# ---------------------------------------------------------------------------------------------
# The example package


def test_the_example_is_a_valid_case_package_labelled_as_an_example_not_official_text():
    package = example_package()
    case.validate(package)
    document = package["CFDocument"]
    assert document["extensions"]["versionSlug"] == EXAMPLE_VERSION
    assert document["title"].startswith("Example ")
    assert "not official" in document["title"]
    assert (
        "not the Child and family social worker early career standards" in document["description"]
    )
    assert all("Not official text" in item["notes"] for item in package["CFItems"])


def test_the_example_crosswalk_links_every_shipped_practitioner_standard_by_its_identifier():
    shipped = json.loads((DATA_DIR / "pqs-practitioners.json").read_text(encoding="utf-8"))
    assert shipped["version"]["slug"] == REPLACED_VERSION
    identifiers = {
        str(derived_identifier("item", REPLACED_VERSION, standard["code"])): standard["code"]
        for standard in shipped["standards"]
    }
    linked = set()
    for association in example_package()["CFAssociations"]:
        kind = association["associationType"]
        end = {REPLACED: "originNodeURI", EXACT: "destinationNodeURI"}.get(kind)
        if end:
            linked.add(identifiers[association[end]["identifier"]])
    assert linked == set(identifiers.values())


def test_load_framework_never_loads_the_example(shipped):
    assert not FrameworkVersion.objects.filter(slug=EXAMPLE_VERSION).exists()


def test_the_example_loads_through_the_case_importer_once_with_its_crosswalk(shipped):
    version = ensure_example_framework()
    assert version.live
    assert version.framework.kind == "pqs"
    assert version.items.statements().count() == 8
    pqs = FrameworkVersion.objects.get(slug=REPLACED_VERSION)
    cfp = {i.code: i for i in pqs.items.all()}
    ex = {i.code: i for i in version.items.all()}
    assert Association.objects.filter(
        version=version, association_type=REPLACED, origin=cfp["CFP-1"], destination=ex["EX-1"]
    ).exists()
    assert Association.objects.filter(
        version=version, association_type=EXACT, origin=ex["EX-2"], destination=cfp["CFP-3"]
    ).exists()
    assert ensure_example_framework() == version
    assert FrameworkVersion.objects.filter(slug=EXAMPLE_VERSION).count() == 1
    # What each old standard has become.
    became = crosswalk.successors({i.pk for i in cfp.values()})
    assert became[cfp["CFP-1"].pk] == {ex["EX-1"].pk}
    assert became[cfp["CFP-3"].pk] == {ex["EX-2"].pk}
    assert became[cfp["CFP-7"].pk] == {ex["EX-5"].pk}
    assert set(became) == {i.pk for i in cfp.values()}


def test_without_the_standards_it_replaces_the_example_is_not_loaded(db):
    assert ensure_example_framework() is None
    assert not FrameworkVersion.objects.exists()


# ---------------------------------------------------------------------------------------------
# The crosswalk rules


def test_a_draft_crosswalk_counts_for_nothing_until_it_is_published(db):
    old = build_standards(framework_slug="old", codes=["O-1", "O-2"])
    new = build_standards(framework_slug="new", codes=["N-1"], publish=False)
    o1, o2 = old.items.order_by("code")
    n1 = new.items.get()
    store_crosswalk(new, [(o1, REPLACED, n1), (o2, EXACT, n1)])
    assert crosswalk.successors({o1.pk, o2.pk}) == {}
    publish_version(version=new)
    assert crosswalk.successors({o1.pk, o2.pk, n1.pk}) == {o1.pk: {n1.pk}, o2.pk: {n1.pk}}


def test_a_version_cannot_retire_its_own_items(db):
    version = build_standards(framework_slug="one", codes=["A", "B"], publish=False)
    a, b = version.items.order_by("code")
    store_crosswalk(version, [(a, REPLACED, b)])
    publish_version(version=version)
    assert crosswalk.successors({a.pk}) == {}


def test_successors_follow_a_chain_of_versions_and_frameworks(pcf):
    # The PCF's next version copies every item (exactMatchOf), then a standard replaces one of
    # the copies: the 2018 statement ends at the standard.
    v2 = create_draft_version(source=pcf, slug="v2", label="2")
    publish_version(version=v2)
    old = pcf.items.get(code="1.L1.1")
    copy = v2.items.get(code="1.L1.1")
    standards = build_standards(framework_slug="later", codes=["S-1"], publish=False)
    store_crosswalk(standards, [(copy, REPLACED, standards.items.get())])
    publish_version(version=standards)
    assert crosswalk.successors({old.pk}) == {old.pk: {standards.items.get().pk}}
    # A domain of 2018 is now the same domain of v2.
    domain = pcf.items.get(kind=Item.Kind.DOMAIN, code="2")
    assert crosswalk.successors({domain.pk}) == {
        domain.pk: {v2.items.get(kind=Item.Kind.DOMAIN, code="2").pk}
    }


def test_the_crosswalk_check_names_the_old_standards_left_out(db):
    old = build_standards(framework_slug="old", codes=["O-1", "O-2", "O-3"])
    new = build_standards(framework_slug="new", codes=["N-1"], publish=False)
    o1, o2, _o3 = old.items.order_by("code")
    store_crosswalk(new, [(o1, REPLACED, new.items.get()), (o2, EXACT, new.items.get())])
    [check] = crosswalk.crosswalk_checks(FrameworkVersion.objects.all())
    assert (check.by, check.replaced, check.linked, check.total) == (new, old, 2, 3)
    assert [i.code for i in check.unlinked] == ["O-3"]
    # Only the versions the person may see: a draft's crosswalk stays with the draft.
    assert crosswalk.crosswalk_checks(FrameworkVersion.objects.published()) == []


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_guidance_page_renders_with_the_crosswalk_check_and_the_example(client, shipped):
    ensure_example_framework()
    html = client.get(GUIDANCE_URL).content.decode()
    assert '<h1 class="govuk-heading-xl">When a new framework is published</h1>' in html
    for step in ("Load the new framework", "Crosswalk it", "Check the counts", "Publish it"):
        assert step in html
    assert "Retire the old framework" in html
    assert "10 of 10" in html
    assert f'href="/framework/{EXAMPLE_VERSION}/"' in html
    assert "not official text" in html


def test_the_guidance_page_is_on_framework_editors_homes_and_in_the_admin_help_menu(client, db):
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="change_frameworkversion"))
    practitioner = UserFactory()
    editor_areas = {area.url for area in areas_for(editor)}
    assert GUIDANCE_URL in editor_areas
    assert GUIDANCE_URL not in {area.url for area in areas_for(practitioner)}
    client.force_login(editor)
    assert f'href="{GUIDANCE_URL}"' in client.get("/home/").content.decode()
    from wagtail.admin.menu import help_menu

    assert GUIDANCE_URL in [item.url for item in help_menu.registered_menu_items]


def test_the_standards_page_lists_replacements_apart_from_the_pcf_domains(client, shipped):
    ensure_example_framework()
    html = client.get(f"/framework/{REPLACED_VERSION}/").content.decode()
    table, crosswalk_section = html.split('id="crosswalk"')
    assert "EX-1" not in table
    assert "is replaced by" in crosswalk_section
    assert f'href="/framework/{EXAMPLE_VERSION}/statements/EX-1/"' in crosswalk_section
    assert f'href="{GUIDANCE_URL}"' in html
    page = client.get(f"/framework/{EXAMPLE_VERSION}/statements/EX-1/").content.decode()
    assert "Replaces" in page and "CFP-1" in page


# ---------------------------------------------------------------------------------------------
# Loading it in the admin


IMPORT_URL = "/admin/framework/import-case/"


def upload(text: str, name="standards.json"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/json")


def test_an_editor_imports_a_case_package_in_the_admin_as_a_draft(client, shipped):
    from accounts.factories import give_mfa
    from capabilities.demo import EXAMPLE_PACKAGE

    admin = give_mfa(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(admin)
    listing = client.get("/admin/snippets/capabilities/frameworkversion/").content.decode()
    assert f'href="{IMPORT_URL}"' in listing
    assert client.get(IMPORT_URL).status_code == 200
    package = json.loads(EXAMPLE_PACKAGE.read_text(encoding="utf-8"))
    package["CFDocument"]["adoptionStatus"] = "Adopted"  # still a draft: the workflow publishes
    response = client.post(IMPORT_URL, {"package": upload(json.dumps(package))})
    assert response.status_code == 302
    version = FrameworkVersion.objects.get(slug=EXAMPLE_VERSION)
    assert not version.live
    assert version.associations.count() == 10
    # A second time: nothing imported, the reason shown on the form.
    response = client.post(IMPORT_URL, {"package": upload(json.dumps(package))})
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert "already exists" in response.content.decode()
    response = client.post(IMPORT_URL, {"package": upload("{not json")})
    assert "The file is not JSON" in response.content.decode()
    assert FrameworkVersion.objects.filter(slug=EXAMPLE_VERSION).count() == 1


def test_importing_in_the_admin_needs_permission(client, db):
    from accounts.factories import give_mfa

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(give_mfa(user))
    response = client.post(IMPORT_URL, {"package": upload(json.dumps(example_package()))})
    assert response.status_code in (302, 403)
    assert not FrameworkVersion.objects.exists()
