"""What supervision puts on a person's home (see cms.home): their own supervision, and the
supervision they give, for the people whose roles make them one or the other."""

from django.urls import reverse

from cms.home import Area
from organisations.models import Membership

from . import rules


def areas_for(user) -> list:
    held = set(Membership.objects.active().filter(user=user).values_list("role", flat=True))
    areas = []
    if held & set(rules.SUPERVISEE_ROLES) or rules.has_supervision_recorded(user):
        areas.append(
            Area(
                "Your supervision",
                reverse("supervision:index"),
                "My learning",
                "Your supervision sessions, protected development time and agreed actions.",
            )
        )
    if held & set(rules.SUPERVISOR_ROLES) and rules.supervisee_memberships(user).exists():
        areas.append(
            Area(
                "Supervision you give",
                reverse("supervision:index"),
                "People I support",
                "Record supervision sessions and the actions you agreed.",
            )
        )
    return areas
