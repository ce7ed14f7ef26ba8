"""What an appraisal judges (issue 14): the frameworks a template assesses, each at its stages,
and the copy an appraisal keeps of them when it starts.

A template lists its frameworks (`TemplateFramework`): the PCF at a level, the post-qualifying
standards for practitioners, supervisors or leaders, or any other published framework, each
assessed at the stages it names. A template that lists none assesses the appraisee's default
framework (by role: see `appraisals.frameworks.default_framework`) at its stages that assess the
domains. Starting a cycle copies what is assessed into `AppraisalFramework` rows, with the
version published at the start, so a new version or a template edit mid-cycle never changes an
open record. What is rated for a version is `FrameworkVersion.assessed_items()`: its domains, or
its standards when it has no domains.
"""

from django.core.exceptions import ValidationError
from django.db import models

from capabilities.models import Framework, FrameworkVersion, Item


def level_field(help_text: str) -> models.ForeignKey:
    """A framework level people are judged against (optional): a template's target level, or
    the level of one of its frameworks."""
    return models.ForeignKey(
        Item,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Item.Kind.LEVEL},
        help_text=help_text,
    )


class TemplateFramework(models.Model):
    template = models.ForeignKey(
        "appraisals.AppraisalTemplate", on_delete=models.CASCADE, related_name="frameworks"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    level = level_field(
        "For frameworks with levels (the PCF): the level people are judged against."
    )
    order = models.PositiveSmallIntegerField(default=1)
    stages = models.ManyToManyField(
        "appraisals.TemplateStage",
        blank=True,
        related_name="frameworks",
        help_text="The stages with a self-assessment and judgement against this framework.",
    )

    class Meta:
        ordering = ["template", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "framework"], name="template_framework_once"
            )
        ]

    def __str__(self):
        level = f" at {self.level.title}" if self.level_id else ""
        return f"{self.framework.title}{level}"

    def clean(self):
        super().clean()
        if self.level_id and (
            self.level.kind != Item.Kind.LEVEL
            or self.level.version.framework_id != self.framework_id
        ):
            raise ValidationError({"level": f"Choose a level of {self.framework.title}"})


class AppraisalFramework(models.Model):
    """One framework as an appraisal assesses it: the version current when it started, the
    level, and the appraisal's stages that assess it."""

    appraisal = models.ForeignKey(
        "appraisals.Appraisal", on_delete=models.CASCADE, related_name="frameworks"
    )
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=1)
    stages = models.ManyToManyField(
        "appraisals.Stage", blank=True, related_name="frameworks_assessed"
    )

    class Meta:
        ordering = ["appraisal", "order", "pk"]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        """The framework's name as the stage page heads it, with the level if there is one."""
        level = f": {self.level.title}" if self.level_id else ""
        return f"{self.version.framework.title}{level}"

    @property
    def is_pcf(self) -> bool:
        return self.version.framework.is_pcf
