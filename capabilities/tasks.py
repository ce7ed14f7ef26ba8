"""What the framework puts on a person's home (see cms.home): the framework, for everyone."""

from django.urls import reverse

from cms.home import Area


def areas_for(user) -> list[Area]:
    return [
        Area(
            "The capability framework",
            reverse("capabilities:home"),
            "Framework",
            "Every version of the framework, its domains, levels and statements.",
            header="Framework",
            header_rank=6,
        )
    ]
