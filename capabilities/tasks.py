"""What the framework puts on a person's home (see cms.home): the framework, for everyone, and
for framework editors and approvers the guidance on loading a new framework."""

from django.urls import reverse

from cms.home import Area


def areas_for(user) -> list[Area]:
    areas = [
        Area(
            "The capability framework",
            reverse("capabilities:home"),
            "Framework",
            "Every version of the framework, its domains, levels and statements.",
            header="Framework",
            header_rank=6,
        )
    ]
    if user.has_perm("capabilities.change_frameworkversion"):
        areas.append(
            Area(
                "When a new framework is published",
                reverse("capabilities:guidance-new-framework"),
                "Framework",
                "Load new standards, crosswalk them to the ones they replace, check that earlier "
                "evidence still counts, publish, and retire the old ones.",
            )
        )
    return areas
