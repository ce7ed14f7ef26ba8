"""Principals: the tokens that say who may read a record in the private Elasticsearch index.

A record carries the principals of everyone who may read it; a searching user holds principals
computed from the database *at query time*. Tokens that depend on something that ends (a role, a
share) are matched on the user's side, so a membership ended or a share revoked a moment ago
stops matching at once, before any reindex:

- `user:<id>`: that person (owner, appraisee, student, observer, supervisee…).
- `org:<org>:<role>`: anyone holding `role` in `org` today (a PSW, a placement lead…).
- `org:<org>:any`: anyone holding any role in `org` today.
- `held:<id>:<org>:<role>`: that person, while they hold `role` in `org` (a named participant
  whose access lasts as long as their role); `held:<id>:*:<role>` for a role anywhere.
- `share:<id>`: the reader of an active share.
- `appraisal:<id>`: the current participants (not the appraisee) of an appraisal, for evidence
  shared into it.
"""

from organisations.models import Membership


def user(user_id) -> str:
    return f"user:{user_id}"


def org_role(org_id, role) -> str:
    return f"org:{org_id}:{role}"


def org_any(org_id) -> str:
    return f"org:{org_id}:any"


def held(user_id, org_id, role) -> str:
    return f"held:{user_id}:{org_id}:{role}"


def held_anywhere(user_id, role) -> str:
    return f"held:{user_id}:*:{role}"


def share(share_id) -> str:
    return f"share:{share_id}"


def appraisal(appraisal_id) -> str:
    return f"appraisal:{appraisal_id}"


def held_roles(user_id, org_id, roles) -> set[str]:
    return {held(user_id, org_id, role) for role in roles}


def membership_principals(person) -> set[str]:
    """What a person's memberships active today give them."""
    found = {user(person.pk)}
    for org_id, role in (
        Membership.objects.active().filter(user=person).values_list("organisation_id", "role")
    ):
        found |= {
            org_role(org_id, role),
            org_any(org_id),
            held(person.pk, org_id, role),
            held_anywhere(person.pk, role),
        }
    return found


def principals_of(person) -> frozenset[str]:
    """Every principal `person` holds now: their memberships plus what each search type adds
    (shares, appraisals they run)."""
    from .registry import search_types

    if not getattr(person, "is_authenticated", False):
        return frozenset()
    found = membership_principals(person)
    for search_type in search_types():
        found |= set(search_type.user_principals(person))
    return frozenset(found)
