"""The history of who took part in an appraisal: each reassignment of a participant, with who
made it, when and why (issue 14). `appraisals.reassign` writes it; the appraisal page shows it;
`rules.role_ended_on` reads it, so a person reassigned out of an appraisal is a former participant
from that day, like someone whose membership ended."""

from django.conf import settings
from django.db import models


class Reassignment(models.Model):
    ROLES = [
        ("appraiser", "Appraiser (line manager)"),
        ("countersigner", "Countersigner"),
        ("assessor", "ASYE assessor"),
    ]

    appraisal = models.ForeignKey(
        "appraisals.Appraisal", on_delete=models.CASCADE, related_name="reassignments"
    )
    role = models.CharField(max_length=20, choices=ROLES)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appraisal", "made_at", "pk"]

    def __str__(self):
        return f"{self.get_role_display()} of {self.appraisal} reassigned"

    @property
    def role_words(self) -> str:
        from .models import Participant

        return Participant(self.role).in_sentence
