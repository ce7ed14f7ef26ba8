"""Demo: a practitioner's older evidence mapped to the post-qualifying standards, so that the
example early career standards (capabilities.demo) visibly count it through their crosswalk on
her Coverage page. Safe to run again: a portfolio that already has a mapping to the standards
is left alone."""

from django.db import transaction

from accounts.demo import DEMO_DOMAIN
from capabilities.models import Framework, FrameworkVersion

from .models import Entry, Mapping

OWNER = f"priya.practitioner@{DEMO_DOMAIN}"
STANDARDS_VERSION = "pqs-practitioners-2018"
# Her oldest records, in date order, and the standards each was mapped to at the time.
CODES = (("CFP-1", "CFP-2"), ("CFP-3",), ("CFP-6", "CFP-7"), ("CFP-9",))


@transaction.atomic
def ensure_demo_standards_evidence() -> int:
    """Map the demo practitioner's oldest records to PQS standards. Returns mappings made."""
    version = FrameworkVersion.objects.filter(slug=STANDARDS_VERSION, live=True).first()
    if version is None:
        return 0
    entries = list(
        Entry.objects.filter(
            portfolio__owner__email=OWNER,
            status=Entry.Status.COMPLETE,
            deleted_at__isnull=True,
        ).order_by("occurred_on", "pk")[: len(CODES)]
    )
    if (
        not entries
        or Mapping.objects.filter(
            entry__portfolio__owner__email=OWNER,
            item__version__framework__kind=Framework.Kind.PQS,
        ).exists()
    ):
        return 0
    standards = {item.code: item for item in version.items.statements()}
    mappings = [
        Mapping(entry=entry, item=standards[code])
        for entry, codes in zip(entries, CODES, strict=False)
        for code in codes
        if code in standards
    ]
    Mapping.objects.bulk_create(mappings)
    return len(mappings)
