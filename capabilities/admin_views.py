"""Admin views: start a new draft version from a published one; import a CASE package."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder

from .forms import CaseImportForm, NewDraftVersionForm
from .interchange import case
from .interchange.errors import InterchangeError
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


def import_case_package(request):
    """Load a newly published framework from its CASE package, always as a draft: it is checked
    and then published through the workflow ("When a new framework is published")."""
    if not request.user.has_perm("capabilities.add_frameworkversion"):
        raise PermissionDenied
    form = CaseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = case.import_package(
                form.cleaned_data["package"], kind=form.cleaned_data["kind"] or None, draft=True
            )
        except InterchangeError as error:
            form.add_error("package", f"Nothing was imported: {error}")
        else:
            messages.success(
                request,
                f"Imported {version} as a draft: {version.items.count()} items and "
                f"{version.associations.count()} crosswalk links. Check it, then submit it for "
                "approval.",
            )
            return redirect(AdminURLFinder(request.user).get_edit_url(version))
    return TemplateResponse(request, "capabilities/admin/import_case.html", {"form": form})
