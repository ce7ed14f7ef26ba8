"""Supervision pages: the list (yours, and those you give), recording a session, reading and
changing one. Thin: who may see what is `rules`, writing is `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.audit import record_access
from cms.guard_forms import confirmed_fingerprints, record_confirmation

from . import rules, services
from .forms import SupervisionForm
from .models import SupervisionRecord


def _records(queryset):
    return queryset.select_related("supervisee", "supervisor", "organisation", "team")


@login_required
def record_list(request):
    user = request.user
    return render(
        request,
        "supervision/list.html",
        {
            "received": _records(SupervisionRecord.objects.filter(supervisee=user)),
            "given": _records(rules.records_changeable_by(user).exclude(supervisee=user)),
            "can_record": rules.supervisee_memberships(user).exists(),
        },
    )


def _values(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.FIELDS}


@login_required
def record_create(request):
    supervisees = list(rules.supervisee_memberships(request.user))
    if not supervisees:
        raise Http404
    form = SupervisionForm(request.POST or None, supervisees=supervisees)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_supervision(
                supervisor=request.user,
                supervisee_membership=form.cleaned_data["supervisee"],
                **_values(form),
            )
        except PermissionDenied:
            raise Http404 from None
        record_confirmation(record=record, findings=form.guard_confirmed, by=request.user)
        messages.success(request, f"Supervision with {record.supervisee} recorded.")
        return redirect(record)
    return render(
        request,
        "supervision/form.html",
        {"form": form, "record": None},
        status=400 if form.is_bound else 200,
    )


@login_required
def record_detail(request, record):
    record = get_object_or_404(_records(rules.records_visible_to(request.user)), uuid=record)
    record_access(
        request=request, obj=record, owner=record.supervisee, organisation=record.organisation
    )
    return render(
        request,
        "supervision/detail.html",
        {
            "record": record,
            "can_change": rules.records_changeable_by(request.user).filter(pk=record.pk).exists(),
        },
    )


@login_required
def record_edit(request, record):
    record = get_object_or_404(_records(rules.records_changeable_by(request.user)), uuid=record)
    initial = {name: getattr(record, name) for name in services.FIELDS}
    form = SupervisionForm(
        request.POST or None,
        initial=initial,
        confirmed_fingerprints=confirmed_fingerprints(record),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_supervision(record=record, by=request.user, **_values(form))
        except PermissionDenied:
            raise Http404 from None
        record_confirmation(record=record, findings=form.guard_confirmed, by=request.user)
        messages.success(request, "Supervision record saved.")
        return redirect(record)
    return render(
        request,
        "supervision/form.html",
        {"form": form, "record": record},
        status=400 if form.is_bound else 200,
    )
