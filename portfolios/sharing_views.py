"""The owner's sharing page (share by email, confirm changes to an existing share, stop sharing)
and the link in a share invitation. Thin: the rules are in `sharing` and `services`."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from . import rules, services, sharing
from .forms import ShareForm
from .models import Entry, Share, ShareInvitation

TOO_MANY = (
    "You have shared with {limit} people by email in the last hour, the most allowed. "
    "Wait an hour, then share again: what you typed is kept below."
)


def _share_label(share) -> str:
    """The address the owner typed while it is still verified on the reader's account; their
    name once it is not (the address may belong to someone else now)."""
    if share.invited_email and any(
        a.verified and a.email.lower() == share.invited_email.lower()
        for a in share.reader.emailaddress_set.all()
    ):
        return share.invited_email
    return str(share.reader)


def _rows(owner) -> list[dict]:
    """The owner's shares and invitations, newest first. A share made by email and an invitation
    look the same: both are labelled with the address the owner typed."""
    live = Prefetch("entries", queryset=Entry.objects.live())
    shares = (
        Share.objects.filter(portfolio__owner=owner)
        .select_related("reader")
        .prefetch_related(live, "reader__emailaddress_set")
    )
    invitations = (
        ShareInvitation.objects.filter(portfolio__owner=owner, accepted_at__isnull=True)
        .prefetch_related(live)
        .order_by("-created_at")
    )
    rows = [
        {
            "uuid": s.uuid,
            "label": _share_label(s),
            "by_email": bool(s.invited_email),
            "obj": s,
            "active": s.is_active(),
            "created_at": s.created_at,
        }
        for s in shares
    ]
    rows += [
        {
            "uuid": i.uuid,
            "label": i.email,
            "by_email": True,
            "obj": i,
            "active": i.is_open and (i.expires_on is None or i.expires_on >= timezone.localdate()),
            "created_at": i.created_at,
        }
        for i in invitations
    ]
    return sorted(rows, key=lambda row: row["created_at"], reverse=True)


def _posted(request) -> list[tuple[str, str]]:
    """What was typed, to carry through the confirm step as hidden fields."""
    skip = {"csrfmiddlewaretoken", "confirm", "edit"}
    return [(k, v) for k, values in request.POST.lists() if k not in skip for v in values]


@login_required
@require_http_methods(["GET", "POST"])
def sharing_page(request):
    owner = request.user
    own_entries = rules.entries_owned_by(owner).order_by("-occurred_on", "title")
    form = ShareForm(request.POST or None, entries=own_entries)
    context = {"form": form}
    status = 200
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        data = form.cleaned_data
        terms = {
            "relationship": data["relationship"],
            "whole_portfolio": data["scope"] == "whole",
            "entries": list(data["entries"] or ()),
            "can_comment": data["can_comment"],
            "expires_on": data["expires_on"],
        }
        current = sharing.current_terms_with(owner=owner, email=data["email"])
        if current is not None and "confirm" not in request.POST:
            # Sharing again updates the share: show what will change before saving.
            before = sharing.Terms.of(current)
            after = sharing.Terms(
                terms["relationship"],
                terms["whole_portfolio"],
                ()
                if terms["whole_portfolio"]
                else tuple(sorted(e.title for e in terms["entries"])),
                terms["can_comment"],
                terms["expires_on"],
            )
            return render(
                request,
                "portfolios/sharing_confirm.html",
                {
                    "email": sharing.normalise_email(data["email"]),
                    "terms": [
                        (label, old, new, old != new)
                        for (label, old), (_label, new) in zip(
                            before.rows(), after.rows(), strict=True
                        )
                    ],
                    "changes": sharing.changes(before, after),
                    "posted": _posted(request),
                },
            )
        if sharing.over_email_limit(owner):
            limit, _period = sharing._limit()
            form.add_error(None, TOO_MANY.format(limit=limit))
            status = 429
        else:
            try:
                sharing.share_by_email(owner=owner, email=data["email"], **terms)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                sharing.count_email_share(owner)
                address = sharing.normalise_email(data["email"])
                messages.success(
                    request,
                    # The owner already sees this share in their list: saying it changed tells
                    # them nothing new about the address.
                    f"You changed what you share with {address}."
                    if current is not None
                    else f"We have shared your portfolio with {address}. If they do not have an "
                    "account yet they will get an email inviting them to create one.",
                )
                return redirect("portfolios:sharing")
    context["rows"] = _rows(owner)
    return render(request, "portfolios/sharing.html", context, status=status)


@login_required
@require_POST
def share_revoke(request, share):
    """Stop a share, or withdraw an invitation: one address, whichever it is."""
    owner = request.user
    found = (
        Share.objects.filter(portfolio__owner=owner, uuid=share).select_related("reader").first()
    )
    if found is not None:
        services.revoke_share(share=found, by=owner)
        label = found.invited_email or str(found.reader)
    else:
        invitation = ShareInvitation.objects.filter(
            portfolio__owner=owner, uuid=share, accepted_at__isnull=True
        ).first()
        if invitation is None:
            raise Http404
        sharing.revoke_invitation(invitation=invitation, by=owner)
        label = invitation.email
    messages.success(request, f"You stopped sharing with {label}.")
    return redirect("portfolios:sharing")


@require_http_methods(["GET"])
def share_invitation(request, token):
    """The link in an invitation email. Signed in with the address verified, the share is theirs
    and they go to it; otherwise the page says how to get there."""
    invitation = (
        ShareInvitation.objects.for_token(token)
        .select_related("portfolio__owner", "share__reader")
        .first()
    )
    if invitation is None or not (invitation.is_open or invitation.accepted_at):
        response = render(request, "portfolios/share_invitation_invalid.html", status=404)
        response.holds_personal_data = True
        return response
    user = request.user
    if user.is_authenticated:
        sharing.claim_invitations(user)
        invitation.refresh_from_db()
        share = invitation.share
        if share is not None and share.reader_id == user.pk and share.is_active():
            return redirect("portfolios:shared-portfolio", share=share.uuid)
    here = request.get_full_path()
    response = render(
        request,
        "portfolios/share_invitation.html",
        {
            "invitation": invitation,
            "owner": invitation.portfolio.owner,
            "used": invitation.accepted_at is not None,
            "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
            "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
        },
    )
    response.holds_personal_data = True  # the invitee's address: never cached
    return response
