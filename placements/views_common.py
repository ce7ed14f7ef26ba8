"""What the placement pages share: finding the placement a page is about (`placement_for`,
404 for anyone `rules.placements_visible_to` leaves out), logging who read it
(`record_reading`), showing a service's refusal (`report_problem`), and `save_form`, the one
way a page hands a valid form to its service and answers."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect

from accounts.audit import record_access
from cms.guard_forms import record_confirmation
from cms.messages import report_refusal

from . import rules, services
from .models import Placement

#: Where `save_form` sends the person: anything `redirect` takes (a URL, a record with
#: `get_absolute_url`), or a function of what the service saved that gives one.
Target = Any


def report_problem(request, error) -> None:
    report_refusal(request, error, denied="You cannot do that on this placement.")


def placement_for(request, uuid) -> Placement:
    return get_object_or_404(
        rules.placements_visible_to(request.user).select_related(
            "student",
            "cohort__programme__hei",
            "provider_team__organisation",
            "unit__team",
            "practice_educator",
            "co_assessor",
            "onsite_supervisor",
            "hei_tutor",
            "proposed_by",
            "provider_agreed_by",
            "hei_agreed_by",
        ),
        uuid=uuid,
    )


def record_reading(request, placement, roles) -> None:
    """Reading a student's placement record is logged, for anyone but the student."""
    if placement.student_id == request.user.pk:
        return
    hei_side = bool({services.TUTOR, services.HEI_LEAD} & roles)
    record_access(
        request=request,
        obj=placement,
        owner=placement.student,
        organisation=placement.cohort.programme.hei if hei_side else placement.provider,
    )


def _target(target: Target, made):
    return target(made) if callable(target) else target


def save_form(
    request,
    form,
    save: Callable[[], Any],
    *,
    done: str | Callable[[Any], str],
    then: Target,
    back: Target = None,
    record: Any = None,
    refusal_on_form: bool = False,
    refused: Callable[[Any, Exception], None] = report_problem,
) -> HttpResponse | None:
    """Validate `form` and call `save()`, the service that saves what it says. Then:

    * the form is not valid, or the service raises ValidationError (put on the form's fields):
      None, and the page shows the form again with its errors;
    * the service raises PermissionDenied: `refused` shows it as a message and the person goes
      to `back` (default `then`, which must then not be a function of what was saved); with
      `refusal_on_form`, it is put above the form instead and the answer is None;
    * otherwise the guard's confirmations are recorded on `record` (default: what `save`
      returned), `done` (a text, or a function of what was saved) is the success message, and
      the person goes to `then`.
    """
    if not form.is_valid():
        return None
    try:
        made = save()
    except ValidationError as error:
        form.add_service_error(error)
        return None
    except PermissionDenied as error:
        if refusal_on_form:
            form.add_error(None, str(error))
            return None
        refused(request, error)
        return redirect(back if back is not None else _target(then, None))
    record_confirmation(
        record=made if record is None else record,
        findings=getattr(form, "guard_confirmed", []),
        by=request.user,
    )
    messages.success(request, _target(done, made))
    return redirect(_target(then, made))
