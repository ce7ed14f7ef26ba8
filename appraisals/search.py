"""What search may find of appraisals (search.registry): appraisals and the answers in them.

Both through `rules.appraisals_visible_to`: appraisee, current participants, the organisation's
PSWs and, for ASYE programmes, its coordinators. A former participant reads only the stages they
signed, as they signed them (`former`), so search (which matches today's text) does not offer
those: they stay on the person's appraisals page. An answer is found where the stage page shows
it: a participant sees the questions their roles may see; a PSW or coordinator sees them all.
"""

from django.db.models import Q

from organisations.models import Role
from organisations.selectors import organisations_where
from search import principals as p
from search.registry import SearchType

from .models import Access, Answer, Appraisal, AppraisalTemplate, Participant
from .rules import PARTICIPANT_ROLES, appraisals_visible_to

OTHERS = (Participant.APPRAISER, Participant.COUNTERSIGNER, Participant.ASSESSOR)


def appraisal_principals(appraisal, *, roles=None) -> set[str]:
    """Who may read `appraisal` (or, with `roles`, the participants in those roles only, plus
    those who see it whole)."""
    roles = Participant.values if roles is None else roles
    org = appraisal.organisation_id
    found = {p.org_role(org, Role.PRINCIPAL_SOCIAL_WORKER)}
    if appraisal.template.kind == AppraisalTemplate.Kind.ASYE:
        found.add(p.org_role(org, Role.ASYE_COORDINATOR))
    if Participant.APPRAISEE in roles:
        found.add(p.user(appraisal.appraisee_id))
    for participant in OTHERS:
        person = getattr(appraisal, f"{participant}_id")
        if person and participant in roles:
            found |= p.held_roles(person, org, PARTICIPANT_ROLES[participant])
    return found


def appraisals_scope(user) -> list:
    """Where the appraisals `user` may read can be (search.registry's `scope`): theirs, those naming
    them, and those of the organisations where they run appraisals (PSW, ASYE coordinator).
    Coarse on purpose: `appraisals_visible_to` still decides (a current role, an ASYE
    programme)."""
    running = organisations_where(user, Role.PRINCIPAL_SOCIAL_WORKER, Role.ASYE_COORDINATOR)
    return [
        *(Appraisal.objects.filter(**{field: user}) for field in (Participant.APPRAISEE, *OTHERS)),
        Appraisal.objects.filter(organisation__in=running),
    ]


def answers_readable_by(user):
    visible = Answer.objects.filter(stage__appraisal__in=appraisals_visible_to(user))
    no_role = Q()
    as_role = Q(pk__in=[])
    for participant in Participant.values:
        mine = Q(**{f"stage__appraisal__{participant}": user})
        no_role &= ~mine
        as_role |= mine & ~Q(**{f"question__{participant}": Access.NONE})
    return visible.filter(no_role | as_role)


def answer_principals(answer) -> set[str]:
    question = answer.question
    roles = [r for r in Participant.values if question.access_for(r) != Access.NONE]
    return appraisal_principals(answer.stage.appraisal, roles=roles)


def _appraisal_title(appraisal) -> str:
    return f"{appraisal.template.name}: {appraisal.appraisee.display_name}"


APPRAISALS = SearchType(
    key="appraisals",
    label="Appraisals and ASYE",
    model=Appraisal,
    readable_by=appraisals_visible_to,
    title=_appraisal_title,
    url=lambda a: a.get_absolute_url(),
    text=lambda a: f"{a.template.get_kind_display()} from {a.starts_on:%-d %B %Y}",
    principals=appraisal_principals,
    user_principals=lambda user: (),
    facets=lambda a: {"year": [str(a.starts_on.year)], "organisation": [a.organisation.name]},
    select_related=("template", "appraisee", "organisation"),
    scope=appraisals_scope,
)

ANSWERS = SearchType(
    key="answers",
    label="Answers in appraisals",
    model=Answer,
    readable_by=answers_readable_by,
    title=lambda a: f"Answer ({a.get_role_display()}) in {_appraisal_title(a.stage.appraisal)}",
    url=lambda a: a.stage.get_absolute_url(),
    text=lambda a: a.text,
    principals=answer_principals,
    user_principals=lambda user: (),
    facets=lambda a: {
        "year": [str(a.stage.appraisal.starts_on.year)],
        "organisation": [a.stage.appraisal.organisation.name],
    },
    select_related=(
        "question",
        "stage__appraisal__template",
        "stage__appraisal__appraisee",
        "stage__appraisal__organisation",
    ),
    scope=lambda user: [
        Answer.objects.filter(stage__appraisal__in=part.order_by().values("pk"))
        for part in appraisals_scope(user)
    ],
    dependants=(
        (
            "appraisals.Appraisal",
            lambda appraisal: Answer.objects.filter(stage__appraisal=appraisal),
        ),
    ),
)
