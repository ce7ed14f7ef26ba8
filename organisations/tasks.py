"""What organisations put on a person's home (see cms.home): their record and roles, and the
pages of the organisations they administer."""

from django.urls import reverse

from cms.home import Area

from . import selectors


def areas_for(user) -> list[Area]:
    areas = [
        Area(
            "Your record",
            reverse("people:person", kwargs={"uuid": user.uuid}),
            "My learning",
            "Your roles and who has read your record.",
        ),
    ]
    administered = list(selectors.administered_organisations(user).order_by("name", "pk"))
    if selectors.roles_of(user).exists() or administered:
        areas.append(
            Area(
                "Your organisations and roles",
                reverse("organisations:index"),
                "My organisation",
                "Where you work or study, and your roles there.",
                header="Organisation" if administered else "",
                header_rank=2,
            )
        )
    for organisation in administered:
        areas.append(
            Area(
                organisation.name,
                reverse("organisations:detail", kwargs={"slug": organisation.slug}),
                "My organisation",
                "Members, roles and invitations.",
            )
        )
    return areas
