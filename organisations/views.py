"""Organisation admin pages and the invitation link. Thin: the rule for who sees an organisation is
selectors.administered_organisations, and every change goes through organisations.services."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import record_reads

from . import selectors, services
from .forms import EndMembershipForm, InvitationForm


def _administered(request, slug):
    """The organisation, if the visitor is one of its active admins; a 404 for anyone else."""
    return get_object_or_404(selectors.administered_organisations(request.user), slug=slug)


@login_required
def index(request):
    return render(
        request,
        "organisations/index.html",
        {
            "organisations": selectors.administered_organisations(request.user),
            "roles": selectors.roles_of(request.user),
        },
    )


@login_required
def detail(request, slug):
    organisation = _administered(request, slug)
    memberships = list(selectors.members_of(organisation))
    # Each listed person's roles are part of their record: the admin read them.
    people = {m.user_id: m.user for m in memberships}.values()
    record_reads(request=request, records=[(p, p) for p in people], organisation=organisation)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "invitations": selectors.open_invitations_of(organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, slug):
    organisation = _administered(request, slug)
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invite(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email} to be "
                f"{invitation.get_role_display().lower()}.",
            )
            return redirect("organisations:detail", slug=organisation.slug)
    return render(
        request, "organisations/invite.html", {"organisation": organisation, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def end_membership(request, slug, uuid):
    organisation = _administered(request, slug)
    membership = get_object_or_404(selectors.members_of(organisation), uuid=uuid)
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_membership(
                membership=membership, ended_by=request.user, on=form.cleaned_data["ends_on"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"{membership.user}'s role as {membership.get_role_display().lower()} ends on "
                f"{format_date(form.cleaned_data['ends_on'], 'j F Y')}.",
            )
            return redirect("organisations:detail", slug=organisation.slug)
    return render(
        request,
        "organisations/end_membership.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


@login_required
@require_POST
def revoke_invitation(request, slug, uuid):
    organisation = _administered(request, slug)
    invitation = get_object_or_404(selectors.open_invitations_of(organisation), uuid=uuid)
    try:
        services.revoke_invitation(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("organisations:detail", slug=organisation.slug)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The link in an invitation email. Anyone with the link may read it; accepting needs a
    signed-in account with the address it was sent to."""
    found = selectors.open_invitation_for_token(token)
    if found is None:
        response = render(request, "organisations/invitation_invalid.html", status=404)
        response.holds_personal_data = True
        return response
    error, status = None, 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            membership = services.accept_invitation(token=token, user=request.user)
        except ValidationError as exc:
            error, status = exc.messages[0], 400
        else:
            messages.success(
                request,
                f"You are now {membership.get_role_display().lower()} at "
                f"{membership.organisation}.",
            )
            return redirect("organisations:index")
    elif request.user.is_authenticated:
        # Say now, rather than after they press the button, if they cannot accept it.
        problem = services.acceptance_problem(invitation=found, user=request.user)
        error = problem.messages[0] if problem else None
    here = request.get_full_path()
    response = render(
        request,
        "organisations/invitation.html",
        {
            "invitation": found,
            "error": error,
            "page_has_errors": bool(error),  # "Error: " in the title (base.html)
            "login_url": f"{reverse('account_login')}?{_next(here)}",
            "signup_url": f"{reverse('account_signup')}?{_next(here)}",
        },
        status=status,
    )
    response.holds_personal_data = True  # the invitee's address: never cached
    return response


def _next(path: str) -> str:
    return urlencode({"next": path})
