"""What the public search may show from this app: statements and items of published versions."""

from .models import FrameworkVersion, Item


def public_items():
    published = list(FrameworkVersion.objects.published().values_list("pk", flat=True))
    return Item.objects.filter(version__in=published).select_related("version__framework")
