"""A person's record (their roles) and the access logs. Who may see what is decided in
accounts.rules; these views only ask it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from organisations.models import Membership
from organisations.selectors import administered_organisations

from .audit import record_access
from .forms import ProfileForm
from .models import AccessEvent
from .rules import administering_organisations_for, people_visible_to

LOG_PAGE_SIZE = 50


@login_required
def person_detail(request, uuid):
    person = get_object_or_404(people_visible_to(request.user), uuid=uuid)
    if not request.user.has_perm("accounts.view_person", person):
        raise Http404
    memberships = Membership.objects.filter(user=person).select_related("organisation", "team")
    administering = administering_organisations_for(request.user, person).first()
    record_access(request=request, obj=person, owner=person, organisation=administering)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "is_self": person == request.user,
            # The organisation page an admin came from: the way back.
            "administering": administering,
        },
    )


@login_required
def profile(request):
    """A person's own name, preferred name and pronouns."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your name has been saved")
        return redirect("people:me")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def my_access_log(request):
    events = AccessEvent.objects.about(request.user).select_related("organisation", "content_type")
    page = Paginator(events, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/access_log.html", {"page": page, "mine": True})


@login_required
def organisation_access_log(request, slug):
    organisation = get_object_or_404(administered_organisations(request.user), slug=slug)
    events = AccessEvent.objects.filter(organisation=organisation).select_related(
        "owner", "content_type"
    )
    page = Paginator(events, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/access_log.html",
        {"page": page, "mine": False, "organisation": organisation},
    )
