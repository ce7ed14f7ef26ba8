"""The register of practice educators, for a programme's HEI placement leads (with a form to
record a PEPS award their university made, and to start or withdraw a candidacy:
`candidacy_views`), and each educator's own record. Who reads a
programme's register: `rules.educator_register_programmes` (404 for anyone else); who is on it
and their currency: `educators`. Reading the register logs a read of each award shown."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.audit import record_reads
from cms.forms import GovUKDateField

from . import candidacy_views, educators
from .candidacy_views import PepsPersonForm
from .views_common import save_form


class AwardForm(PepsPersonForm):
    field_order = ["educator", "stage", "awarded_on", "programme_name"]

    awarded_on = GovUKDateField(
        label="Date of the award",
        name_in_errors="date of the award",
        max_value=timezone.localdate,
        help_text="For example, 30 6 2025",
    )


def _programme(request):
    programmes = list(educators.programmes_for_register(request.user))
    if not programmes:
        raise Http404
    chosen = request.GET.get("programme") or request.POST.get("programme")
    if chosen:
        programme = next((p for p in programmes if str(p.pk) == chosen), None)
        if programme is None:
            raise Http404
    else:
        programme = programmes[0]
    return programme, programmes


def _people(programme, rows):
    User = get_user_model()
    return (
        (
            User.objects.filter(pk__in=[r.educator.pk for r in rows])
            | User.objects.filter(pk__in=educators.partner_practitioners(programme.hei))
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def _register_url(programme) -> str:
    return f"{reverse('placements:educators')}?programme={programme.pk}"


@login_required
def educator_register(request):
    programme, programmes = _programme(request)
    today = timezone.localdate()
    rows, candidacies = educators.register_rows(programme, on=today)
    people = _people(programme, rows)
    action = request.POST.get("action", "award") if request.method == "POST" else ""
    form = AwardForm(request.POST if action == "award" else None, people=people, prefix="award")
    candidacy_form = candidacy_views.candidacy_form(
        request, programme, people, request.POST if action == "candidacy" else None
    )
    if action == "withdraw":
        candidacy_views.withdraw(request, candidacies)
        return redirect(_register_url(programme))
    if action in ("candidacy", "award"):

        def record_award():
            data = form.cleaned_data
            return educators.record_award(
                by=request.user,
                educator=data["educator"],
                stage=data["stage"],
                awarded_on=data["awarded_on"],
                awarded_by=programme.hei,
                programme_name=data["programme_name"],
            )

        back = _register_url(programme)
        saved = (
            candidacy_views.start(request, candidacy_form, then=back)
            if action == "candidacy"
            else save_form(
                request,
                form,
                record_award,
                done=lambda award: f"Recorded: {award}.",
                then=back,
                refused=candidacy_views.refused,
            )
        )
        if saved is not None:
            return saved
    else:
        record_reads(
            request=request,
            records=[(a, r.educator) for r in rows for a in r.awards],
            organisation=programme.hei,
        )
    may_record = (
        educators.awarding_organisations_of(request.user).filter(pk=programme.hei_id).exists()
    )
    error_form = next((f for f in (form, candidacy_form) if f.is_bound and f.errors), None)
    return render(
        request,
        "placements/educators.html",
        {
            "programme": programme,
            "programmes": programmes,
            "rows": rows,
            "candidacies": candidacies,
            "form": form if may_record else None,
            "candidacy_form": candidacy_form if may_record else None,
            "error_form": error_form,
            "lapsed": sum(1 for r in rows if r.currency.is_lapsed),
        },
        status=400 if error_form else 200,
    )


@login_required
def my_record(request):
    """The signed-in person's own practice educator record."""
    return render(
        request,
        "placements/educator_record.html",
        {"record": educators.record_of(request.user)},
    )
