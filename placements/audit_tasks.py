"""The audit tasks on a person's home (see `tasks`): the audit parts they owe, and the audits
they moderate as the HEI's placement lead. A lead with more than MODERATE_ONE_BY_ONE audits to
moderate gets one task for them all, linking to the placements list filtered to those audits
(`?waiting=moderation`): counted in the database, never loaded one by one."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.urls import reverse

from cms.home import Task
from organisations.models import Organisation, Role
from organisations.selectors import organisation_ids_where

from . import rules
from .models import Audit, AuditPart, AuditParty

GROUP = "Placements and quality"
# Up to this many audits to moderate, one task each; more, one task for them all.
MODERATE_ONE_BY_ONE = 3


def moderation_list_url() -> str:
    return reverse("placements:index") + "?waiting=moderation"


def _audits_with_a_task_for(user, lead_ids, *, moderation=True):
    """Open audits on placements `user` sees that may give them a task: an open part of a party
    they could be (student, named educator or tutor, provider placement lead), or (if
    `moderation`) no open part left on a placement of an HEI they lead. A superset, narrowed in
    the database so that a lead seeing thousands of audits loads only these;
    `rules.audit_parties_of` and `rules.is_hei_lead_for` decide."""
    open_parts = AuditPart.objects.filter(audit=OuterRef("pk"), submitted_at__isnull=True)

    def open_part_of(party):
        return Q(Exists(open_parts.filter(party=party)))

    may_owe = (
        (open_part_of(AuditParty.STUDENT) & Q(placement__student=user))
        | (
            open_part_of(AuditParty.EDUCATOR)
            & (Q(placement__practice_educator=user) | Q(placement__onsite_supervisor=user))
        )
        | (
            open_part_of(AuditParty.PROVIDER)
            & Q(placement__provider_team__organisation__in=sorted(lead_ids))
        )
        | (open_part_of(AuditParty.TUTOR) & Q(placement__hei_tutor=user))
    )
    if moderation:
        may_owe |= ~Q(Exists(open_parts)) & Q(
            placement__cohort__programme__hei__in=sorted(lead_ids)
        )
    return (
        Audit.objects.filter(
            may_owe, status=Audit.Status.OPEN, placement__in=rules.placements_visible_to(user)
        )
        .select_related(
            "placement__student", "placement__cohort__programme", "placement__provider_team"
        )
        .prefetch_related(
            Prefetch("parts", queryset=AuditPart.objects.only("audit", "party", "submitted_at"))
        )
        .order_by("pk")
    )


def _moderation_summary(user) -> Task | None:
    """One task for the audits `user` moderates if there are more than MODERATE_ONE_BY_ONE
    (one query, a row per programme), else None."""
    by_programme = list(
        rules.audits_to_moderate(user)
        .order_by()
        .values_list("placement__cohort__programme__name")
        .annotate(n=Count("pk"))
        .order_by("placement__cohort__programme__name")
    )
    count = sum(n for _name, n in by_programme)
    if count <= MODERATE_ONE_BY_ONE:
        return None
    names = sorted({name for name, _n in by_programme})
    return Task(
        what=f"Moderate {count:,} placement audits (every part is in)",
        for_whom=names[0] if len(names) == 1 else f"{len(names)} programmes",
        url=moderation_list_url(),
        group=GROUP,
    )


def audit_tasks(user) -> list[Task]:
    """The audit parts the person owes and the audits they moderate: the person's roles in all
    the placements are asked at once (`rules.named_roles_by_placement`), not audit by audit."""
    lead_ids = rules.placement_lead_organisation_ids(user)
    # Only a university's placement lead moderates: the count is not asked of anyone else (no
    # query: the roles are read once per request). Were a programme's HEI of another kind, its
    # audits would still be one task each.
    leads_a_university = organisation_ids_where(
        user, Role.PLACEMENT_LEAD, kinds=(Organisation.Kind.HEI,)
    )
    summary = _moderation_summary(user) if leads_a_university else None
    audits = list(_audits_with_a_task_for(user, lead_ids, moderation=summary is None))
    named = rules.named_roles_by_placement(user, [audit.placement for audit in audits])
    tasks = []
    for audit in audits:
        placement = audit.placement
        url = reverse("placements:audit", kwargs={"placement": placement.uuid})
        open_parts = {part.party for part in audit.parts.all() if part.submitted_at is None}
        parties = rules.audit_parties_of(
            user, placement, named=named[placement.pk], lead_ids=lead_ids
        )
        owed = [party for party in parties if party in open_parts]
        for_whom = "You" if placement.student_id == user.pk else str(placement.student)
        for party in owed:
            tasks.append(
                Task(
                    what=f"Complete your part of the placement audit ({AuditParty(party).label})",
                    for_whom=for_whom,
                    url=url,
                    group=GROUP,
                )
            )
        if (
            summary is None
            and not open_parts
            and rules.is_hei_lead_for(user, placement, lead_ids=lead_ids)
        ):
            tasks.append(
                Task(
                    what="Moderate the placement audit (every part is in)",
                    for_whom=str(placement.student),
                    url=url,
                    group=GROUP,
                )
            )
    if summary is not None:
        tasks.append(summary)
    return tasks
