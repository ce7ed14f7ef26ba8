import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError

from accounts.factories import give_mfa
from capabilities.factories import (
    AssociationFactory,
    FrameworkVersionFactory,
    ItemFactory,
    build_pcf,
)
from capabilities.models import Association, FrameworkVersion, Item, PublishedVersionError
from capabilities.permissions import FrameworkContentPermissionPolicy
from capabilities.services import create_draft_version, publish_version

pytestmark = pytest.mark.django_db


def test_new_versions_are_drafts():
    version = FrameworkVersionFactory()
    assert version.live is False
    assert version.status == "draft"


def test_draft_version_can_be_edited_and_deleted():
    version = FrameworkVersionFactory()
    item = ItemFactory(version=version)
    item.full_statement = "Changed"
    item.save()
    version.label = "Renamed"
    version.save()
    item.delete()
    version.delete()
    assert not FrameworkVersion.objects.filter(pk=version.pk).exists()


def test_publishing_sets_live_and_dates(pcf):
    assert pcf.live is True
    assert pcf.status == "published"
    assert pcf.first_published_at is not None
    assert FrameworkVersion.objects.current("pcf") == pcf


def test_published_version_fields_are_frozen(pcf):
    pcf.label = "Something else"
    with pytest.raises(PublishedVersionError):
        pcf.save()


def test_published_version_cannot_be_unpublished_or_deleted(pcf):
    pcf.refresh_from_db()
    pcf.live = False
    with pytest.raises(PublishedVersionError):
        pcf.save()
    pcf.refresh_from_db()
    with pytest.raises(PublishedVersionError):
        pcf.delete()
    assert FrameworkVersion.objects.filter(pk=pcf.pk, live=True).exists()


def test_items_of_a_published_version_are_frozen(pcf):
    statement = pcf.items.statements().first()
    statement.full_statement = "Rewritten"
    with pytest.raises(PublishedVersionError):
        statement.save()
    with pytest.raises(PublishedVersionError):
        statement.delete()
    with pytest.raises(PublishedVersionError):
        ItemFactory(version=pcf)
    statement.refresh_from_db()
    assert statement.full_statement != "Rewritten"


def test_an_item_cannot_be_moved_out_of_a_published_version(pcf):
    draft = FrameworkVersionFactory(framework=pcf.framework)
    statement = pcf.items.statements().first()
    statement.version = draft
    with pytest.raises(PublishedVersionError):
        statement.save()


def test_item_clean_explains_why_a_published_item_cannot_change(pcf):
    statement = pcf.items.statements().first()
    with pytest.raises(ValidationError, match="published"):
        statement.full_clean()


def test_associations_of_a_published_version_are_frozen(pcf):
    a, b = pcf.items.statements()[:2]
    with pytest.raises(PublishedVersionError):
        Association.objects.create(
            version=pcf, association_type=Association.Type.IS_RELATED_TO, origin=a, destination=b
        )


def test_association_cannot_link_an_item_to_itself():
    item = ItemFactory()
    with pytest.raises(ValidationError):
        AssociationFactory(origin=item, destination=item)


def test_association_types_follow_case():
    assert set(Association.Type.values) == {
        "isChildOf",
        "isPartOf",
        "isRelatedTo",
        "exactMatchOf",
        "replacedBy",
        "precedes",
        "isPeerOf",
        "exemplar",
        "hasSkillLevel",
        "isTranslationOf",
    }


def test_pcf_statement_needs_domain_and_level():
    version = build_pcf(publish=False)
    statement = Item(version=version, kind=Item.Kind.STATEMENT, code="X.1", full_statement="x")
    with pytest.raises(ValidationError, match="domain and a level"):
        statement.full_clean()


def test_structure_links_stay_inside_one_version(pcf):
    draft = build_pcf(slug="other", publish=False)
    foreign_domain = pcf.items.domains().first()
    statement = draft.items.statements().first()
    statement.domain = foreign_domain
    with pytest.raises(ValidationError, match="same framework version"):
        statement.full_clean()


def test_new_draft_copies_everything_and_records_the_crosswalk(pcf):
    draft = create_draft_version(source=pcf, slug="next", label="Next")
    assert draft.live is False
    assert draft.predecessor == pcf
    old_items = {i.code: i for i in pcf.items.all()}
    new_items = {i.code: i for i in draft.items.select_related("domain", "level", "group")}
    assert old_items.keys() == new_items.keys()
    # New identifiers, and structure points inside the new version.
    assert not {i.identifier for i in old_items.values()} & {
        i.identifier for i in new_items.values()
    }
    for item in new_items.values():
        for related in (item.domain, item.level, item.group):
            assert related is None or related.version_id == draft.pk
    matches = draft.associations.filter(association_type=Association.Type.EXACT_MATCH_OF)
    assert matches.count() == len(old_items)
    for match in matches.select_related("origin", "destination"):
        assert match.origin.version_id == draft.pk
        assert match.destination.version_id == pcf.pk
        assert match.origin.code == match.destination.code
    # The draft is editable and the published version is untouched.
    statement = draft.items.statements().first()
    statement.full_statement = "A sharper statement."
    statement.save()
    assert pcf.items.get(code=statement.code).full_statement != "A sharper statement."


def test_publishing_the_new_draft_makes_it_current(pcf):
    draft = create_draft_version(source=pcf, slug="next", label="Next")
    publish_version(version=draft)
    assert FrameworkVersion.objects.current("pcf") == draft


def _editor(django_user_model):
    user = django_user_model.objects.create_user(email="editor@example.org", password="x" * 12)
    for codename in ("change_frameworkversion", "change_item", "delete_item", "access_admin"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return django_user_model.objects.get(pk=user.pk)


def test_admin_policy_never_offers_to_edit_published_content(pcf, django_user_model):
    editor = _editor(django_user_model)
    draft = build_pcf(slug="draft", publish=False)
    version_policy = FrameworkContentPermissionPolicy(FrameworkVersion)
    item_policy = FrameworkContentPermissionPolicy(Item)
    assert version_policy.user_has_permission_for_instance(editor, "change", draft)
    assert not version_policy.user_has_permission_for_instance(editor, "change", pcf)
    published_item = pcf.items.first()
    draft_item = draft.items.first()
    assert item_policy.user_has_permission_for_instance(editor, "change", draft_item)
    assert not item_policy.user_has_permission_for_instance(editor, "change", published_item)
    assert not item_policy.user_has_permission_for_instance(editor, "delete", published_item)
    editable = item_policy.instances_user_has_permission_for(editor, "change")
    assert editable.filter(version=draft).exists()
    assert not editable.filter(version=pcf).exists()


def test_admin_edit_of_a_published_item_is_refused(pcf, django_user_model, client):
    editor = give_mfa(_editor(django_user_model))
    client.force_login(editor)
    item = pcf.items.statements().first()
    response = client.get(f"/admin/snippets/capabilities/item/edit/{item.pk}/")
    assert response.status_code in (302, 403)
    draft_item = build_pcf(slug="draft", publish=False).items.statements().first()
    response = client.get(f"/admin/snippets/capabilities/item/edit/{draft_item.pk}/")
    assert response.status_code == 200


def test_admin_starts_a_new_draft_from_a_published_version(pcf, django_user_model, client):
    admin = give_mfa(
        django_user_model.objects.create_superuser(email="a@example.org", password="x" * 12)
    )
    client.force_login(admin)
    url = f"/admin/framework/versions/{pcf.pk}/new-draft/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"label": "Next", "slug": pcf.slug})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    response = client.post(url, {"label": "Next", "slug": "next"})
    assert response.status_code == 302
    draft = FrameworkVersion.objects.get(slug="next")
    assert draft.predecessor == pcf and not draft.live
    assert draft.items.count() == pcf.items.count()


def test_new_draft_needs_permission(pcf, django_user_model, client):
    user = django_user_model.objects.create_user(email="u@example.org", password="x" * 12)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(give_mfa(user))
    response = client.post(
        f"/admin/framework/versions/{pcf.pk}/new-draft/", {"label": "N", "slug": "n"}
    )
    assert response.status_code in (302, 403)
    assert not FrameworkVersion.objects.filter(slug="n").exists()


def test_a_version_is_published_through_the_workflow(django_user_model):
    from capabilities.workflows import APPROVERS_GROUP, ensure_publication_workflow

    workflow = ensure_publication_workflow()
    editor = django_user_model.objects.create_user(email="ed@example.org", password="x" * 12)
    approver = django_user_model.objects.create_user(email="ap@example.org", password="x" * 12)
    approver.groups.add(Group.objects.get(name=APPROVERS_GROUP))
    version = build_pcf(slug="wf", publish=False)
    assert version.get_workflow() == workflow
    version.save_revision(user=editor)
    state = workflow.start(version, editor)
    assert not FrameworkVersion.objects.get(pk=version.pk).live
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state.specific, approver, "approve")
    version.refresh_from_db()
    assert version.live is True
    with pytest.raises(PublishedVersionError):
        version.items.first().delete()
