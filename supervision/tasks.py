"""What supervision puts on a person's home (see cms.home): their own supervision, and the
supervision they give, for the people whose roles make them one or the other."""

from django.urls import reverse

from cms.home import Area

from . import rules


def areas_for(user) -> list:
    areas = []
    if rules.is_supervisee(user):
        areas.append(
            Area(
                "Your supervision",
                reverse("supervision:index"),
                "My learning",
                "Your supervision sessions, protected development time and agreed actions.",
            )
        )
    if rules.supervisee_memberships(user).exists():
        areas.append(
            Area(
                "Supervision you give",
                reverse("supervision:index"),
                "People I support",
                "Record supervision sessions and the actions you agreed.",
            )
        )
    return areas
