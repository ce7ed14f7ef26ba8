"""The pages: the holder issues and downloads, nobody else sees; the issuer revokes; anyone
verifies."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.factories import UserFactory
from accounts.models import AccessEvent
from credentials import issuing
from credentials.baking import extract
from credentials.models import Credential
from organisations.factories import MembershipFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db


def test_holder_issues_from_my_credentials(client, confirmed_asye):
    appraisal, _ = confirmed_asye
    client.force_login(appraisal.appraisee)
    page = client.get("/credentials/").content.decode()
    assert "Issue credential" in page and "Assessed and Supported Year" in page
    response = client.post("/credentials/", {"achievement": f"asye:{appraisal.uuid}"})
    credential = Credential.objects.get(holder=appraisal.appraisee)
    assert response.url == credential.get_absolute_url()
    detail = client.get(response.url).content.decode()
    assert "Verified" in detail

    download = client.get(f"/credentials/{credential.uuid}/credential.json")
    data = json.loads(download.content)
    assert data["jwt"] == credential.jwt and data["credential"] == credential.payload
    svg = client.get(f"/credentials/{credential.uuid}/badge.svg").content.decode()
    assert extract(svg) == credential.jwt


def test_issuing_what_is_not_yours_is_refused(client, confirmed_asye):
    appraisal, _ = confirmed_asye
    client.force_login(UserFactory())
    response = client.post("/credentials/", {"achievement": f"asye:{appraisal.uuid}"})
    assert response.status_code == 404
    assert not Credential.objects.exists()


def test_only_the_holder_sees_their_credential(client, confirmed_asye):
    appraisal, psw = confirmed_asye
    credential = issuing.issue(holder=appraisal.appraisee, key=f"asye:{appraisal.uuid}")
    for person in (UserFactory(), psw, appraisal.appraiser):
        client.force_login(person)
        for suffix in ("", "credential.json", "badge.svg"):
            assert client.get(f"/credentials/{credential.uuid}/{suffix}").status_code == 404


def test_the_psw_revokes_and_the_read_is_logged(client, confirmed_asye):
    appraisal, psw = confirmed_asye
    credential = issuing.issue(holder=appraisal.appraisee, key=f"asye:{appraisal.uuid}")
    client.force_login(psw)
    page = client.get("/credentials/issued/").content.decode()
    assert str(appraisal.appraisee) in page
    assert AccessEvent.objects.filter(
        actor=psw,
        owner=appraisal.appraisee,
        content_type=ContentType.objects.get_for_model(Credential),
        action=AccessEvent.Action.READ,
    ).exists()
    response = client.post(f"/credentials/{credential.uuid}/revoke/")
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is not None and credential.revoked_by == psw


def test_others_cannot_revoke(client, confirmed_asye, passed_placement):
    appraisal, _ = confirmed_asye
    credential = issuing.issue(holder=appraisal.appraisee, key=f"asye:{appraisal.uuid}")
    # A placement lead of another organisation, and a PSW elsewhere.
    for role in (Role.PLACEMENT_LEAD, Role.PRINCIPAL_SOCIAL_WORKER):
        client.force_login(MembershipFactory(role=role, mfa=True).user)
        assert client.post(f"/credentials/{credential.uuid}/revoke/").status_code == 404
        assert str(appraisal.appraisee) not in client.get("/credentials/issued/").content.decode()
    # The HEI's placement lead revokes the HEI's placement credentials, not the ASYE.
    hei = passed_placement.cohort.programme.hei
    lead = MembershipFactory(organisation=hei, role=Role.PLACEMENT_LEAD, mfa=True).user
    placement = issuing.issue(
        holder=passed_placement.student, key=f"placement:{passed_placement.uuid}"
    )
    client.force_login(lead)
    assert client.post(f"/credentials/{credential.uuid}/revoke/").status_code == 404
    assert client.post(f"/credentials/{placement.uuid}/revoke/").status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is None


def test_anyone_verifies_a_pasted_credential(client, confirmed_asye):
    appraisal, _ = confirmed_asye
    credential = issuing.issue(holder=appraisal.appraisee, key=f"asye:{appraisal.uuid}")
    page = client.post("/credentials/verify/", {"credential": credential.jwt}).content.decode()
    assert "Verified" in page
    assert appraisal.target_level.title in page
    assert str(appraisal.appraisee) not in page
    bad = client.post("/credentials/verify/", {"credential": credential.jwt[:-4] + "AAAA"})
    assert "Not verified" in bad.content.decode()


def test_issuer_profile_and_public_credential(client, confirmed_asye):
    appraisal, _ = confirmed_asye
    credential = issuing.issue(holder=appraisal.appraisee, key=f"asye:{appraisal.uuid}")
    profile = client.get(f"/credentials/issuers/{credential.issuer.uuid}/").json()
    assert profile["type"] == ["Profile"] and profile["name"] == credential.issuer.name
    assert profile["id"] == credential.payload["issuer"]["id"]
    public = client.get(f"/credentials/public/{credential.uuid}/")
    assert public.status_code == 200 and "Verified" in public.content.decode()
    assert (
        client.get(f"/credentials/public/{credential.uuid}/?format=jwt").content.decode()
        == credential.jwt
    )
    achievement = credential.payload["credentialSubject"]["achievement"]["id"]
    assert client.get(achievement).status_code == 200


def test_an_approved_designation_is_held_by_the_organisation_and_revoked_by_the_awarding_body(
    client,
):
    import datetime

    from placements.models import Designation, DesignationKind

    employer = MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True)
    body = MembershipFactory(
        role=Role.ORG_ADMIN,
        mfa=True,
        organisation__kind="awarding-body",
    )
    designation = Designation.objects.create(
        organisation=employer.organisation,
        kind=DesignationKind.APS,
        status=Designation.Status.APPROVED,
        awarding_body=body.organisation,
        starts_on=datetime.date(2025, 1, 1),
    )
    client.force_login(employer.user)
    response = client.post("/credentials/", {"achievement": f"designation:{designation.uuid}"})
    credential = Credential.objects.get()
    assert credential.holder is None and credential.holder_organisation == employer.organisation
    assert credential.issuer == body.organisation
    (identity,) = credential.payload["credentialSubject"]["identifier"]
    assert identity == {
        "type": "IdentityObject",
        "identityHash": employer.organisation.name,
        "identityType": "name",
        "hashed": False,
    }
    assert client.get(response.url).status_code == 200
    # A colleague who is not a lead or admin does not see it; the awarding body revokes it.
    colleague = MembershipFactory(organisation=employer.organisation, role=Role.PRACTITIONER)
    client.force_login(colleague.user)
    assert client.get(response.url).status_code == 404
    client.force_login(body.user)
    assert client.post(f"/credentials/{credential.uuid}/revoke/").status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is not None
