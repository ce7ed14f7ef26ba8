"""What the person's home shows for credentials: their own "My credentials" page, and for an
issuer (PSW, placement lead) the page of credentials they may revoke. No query is made."""

from django.urls import reverse

from cms.home import Area


def areas_for(user) -> list[Area]:
    return [
        Area(
            "My credentials",
            reverse("credentials:mine"),
            "My learning",
            "Open Badges for your ASYE, placements, PEPS stages and your organisation's designations.",
        )
    ]
