"""Demo data for the framework: an invented "Example early career standards" framework, loaded
the way an organisation would load a newly published one (a CASE 1.1 package through the CASE
importer), with its crosswalk from the post-qualifying standards for child and family
practitioners inside the package as `replacedBy` and `exactMatchOf` associations.

It is demo data only: `load_framework` never loads it (its statements are invented, not official
text; see capabilities/data/examples/README.md). The seed loads it after the shipped frameworks.
"""

import json

from .interchange import case
from .models import FrameworkVersion
from .services import DATA_DIR

EXAMPLE_PACKAGE = DATA_DIR / "examples" / "example-early-career-standards.case.json"
# The example's version slug (its CFDocument's extensions.versionSlug; a test checks they agree).
EXAMPLE_VERSION = "example-early-career-standards-demo"
# The framework version whose items the example's crosswalk points at.
REPLACED_VERSION = "pqs-practitioners-2018"


def example_package() -> dict:
    return json.loads(EXAMPLE_PACKAGE.read_text(encoding="utf-8"))


def ensure_example_framework(*, publish: bool = True) -> FrameworkVersion | None:
    """Import the example package unless it is already loaded. None when the standards it
    replaces are not loaded (the crosswalk would have nothing to point at)."""
    existing = FrameworkVersion.objects.filter(slug=EXAMPLE_VERSION).first()
    if existing is not None:
        return existing
    if not FrameworkVersion.objects.filter(slug=REPLACED_VERSION).exists():
        return None
    return case.import_package(example_package(), publish=publish)


def example_version(versions=None) -> FrameworkVersion | None:
    """The example's version if it is loaded (among `versions`, when given)."""
    versions = versions if versions is not None else FrameworkVersion.objects.all()
    return versions.filter(slug=EXAMPLE_VERSION).first()
