"""The access rule for people's own records (their profile and roles, their access log).

Everything in this app asks these rules; views never check roles themselves. Later apps add their
own records (portfolios, appraisals, placements) with their own rules modules built on the same
idea: the owner; people the owner shared with; people whose role gives them a duty. Membership of
the same organisation alone grants nothing.
"""

import rules
from django.db.models import Q

from organisations.selectors import administered_organisations


def administering_organisations_for(user, person):
    """Organisations where `user` is an active admin and `person` holds (or held) a role."""
    return administered_organisations(user).filter(memberships__user=person).distinct()


@rules.predicate
def is_self(user, person):
    return person is not None and user.pk == person.pk


@rules.predicate
def administers_person(user, person):
    return person is not None and administering_organisations_for(user, person).exists()


rules.add_perm("accounts.view_person", is_self | administers_person)
rules.add_perm("accounts.view_access_log", is_self)


def people_visible_to(user):
    """The queryset form of `accounts.view_person`, for list views."""
    from .models import User

    if not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(
        Q(pk=user.pk) | Q(memberships__organisation__in=administered_organisations(user))
    ).distinct()
