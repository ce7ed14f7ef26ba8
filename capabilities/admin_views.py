"""Admin view: start a new draft version from a published one."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder

from .forms import NewDraftVersionForm
from .models import FrameworkVersion
from .services import create_draft_version


def new_draft_version(request, pk):
    if not request.user.has_perm("capabilities.add_frameworkversion"):
        raise PermissionDenied
    source = get_object_or_404(FrameworkVersion.objects.select_related("framework"), pk=pk)
    form = NewDraftVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = create_draft_version(source=source, **form.cleaned_data)
        messages.success(
            request,
            f"Draft {draft} created from {source}, with every item linked to its original.",
        )
        return redirect(AdminURLFinder(request.user).get_edit_url(draft))
    return TemplateResponse(
        request,
        "capabilities/admin/new_draft.html",
        {"form": form, "source": source},
    )
