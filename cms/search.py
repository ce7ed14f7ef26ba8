"""What the public search may show from the site's pages: live, public pages."""

from wagtail.models import Page


def public_pages():
    return Page.objects.live().public().exclude(depth__lte=1)
