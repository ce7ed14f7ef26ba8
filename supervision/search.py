"""What search may find of supervision (search.registry): records, through
`rules.records_visible_to` (the supervisee, and the supervisor while their role lasts)."""

from search import principals as p
from search.registry import SearchType

from .models import SupervisionRecord
from .rules import SUPERVISOR_ROLES, records_visible_to

RECORDS = SearchType(
    key="supervision",
    label="Supervision records",
    model=SupervisionRecord,
    readable_by=records_visible_to,
    title=lambda r: f"{r} with {r.supervisee.display_name}",
    url=lambda r: r.get_absolute_url(),
    text=lambda r: r.agreed_actions,
    principals=lambda r: (
        {p.user(r.supervisee_id)}
        | p.held_roles(r.supervisor_id, r.organisation_id, SUPERVISOR_ROLES)
    ),
    user_principals=lambda user: (),
    facets=lambda r: {"year": [str(r.held_on.year)], "organisation": [r.organisation.name]},
    select_related=("supervisee", "organisation"),
    # Where the records `user` may read can be (search.registry's `scope`); the rule decides.
    scope=lambda user: [
        SupervisionRecord.objects.filter(supervisee=user),
        SupervisionRecord.objects.filter(supervisor=user),
    ],
)
