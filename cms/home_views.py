from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import home


@login_required
def home_page(request):
    tasks, areas = home.home_for(request.user)
    return render(
        request,
        "cms/home.html",
        {"tasks": tasks, "groups": home.grouped_areas(request.user, areas)},
    )


def accessibility_statement(request):
    """The accessibility statement; its contact address is read when the page is asked for."""
    return render(
        request,
        "cms/accessibility.html",
        {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL},
    )
