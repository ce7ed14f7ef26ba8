"""A chase: the ASYE coordinator (or the PSW) reminded the people who still owe something at an
open review point, from the cohort page (`appraisals.cohort.chase`). One a stage a day: the
constraint holds even when two people press the button at the same moment."""

from django.conf import settings
from django.db import models


class Chase(models.Model):
    stage = models.ForeignKey("appraisals.Stage", on_delete=models.CASCADE, related_name="chases")
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chased_at = models.DateTimeField()
    chased_on = models.DateField(help_text="The local date of the chase: one a stage a day.")
    people = models.PositiveSmallIntegerField(default=0, help_text="How many people were reminded.")

    class Meta:
        ordering = ["stage", "-chased_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "chased_on"], name="chase_once_a_day")
        ]

    def __str__(self):
        return f"{self.stage} chased on {self.chased_on:%d %b %Y}"
