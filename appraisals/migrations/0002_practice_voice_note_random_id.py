"""Practice voice notes get random ids (a UUID primary key) instead of sequential ones, so two
snapshots of the database cannot line a note up with anything else written at the same time.

A bigint key cannot be altered into a UUID on every database, so the notes move to a new table
(copied in a random order, each with a new random id) that then takes the old one's name."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

THEMES = [
    ("caseloads", "Caseloads and time"),
    ("supervision", "Supervision and support"),
    ("systems", "Recording and IT systems"),
    ("partners", "Working with partner agencies"),
    ("learning", "Learning and development"),
    ("procedures", "Procedures and compliance"),
    ("wellbeing", "Wellbeing and safety"),
    ("other", "Something else"),
]
KINDS = [("helps", "Helps good practice"), ("hinders", "Gets in the way")]


def copy_notes(apps, schema_editor):
    Old = apps.get_model("appraisals", "PracticeVoiceNote")
    New = apps.get_model("appraisals", "PracticeVoiceNoteRandomId")
    New.objects.bulk_create(
        New(
            id=uuid.uuid4(),
            organisation_id=note.organisation_id,
            theme=note.theme,
            kind=note.kind,
            text=note.text,
            month=note.month,
        )
        for note in Old.objects.order_by("?")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0001_initial"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PracticeVoiceNoteRandomId",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("theme", models.CharField(choices=THEMES, max_length=20)),
                ("kind", models.CharField(choices=KINDS, max_length=10)),
                ("text", models.TextField()),
                (
                    "month",
                    models.DateField(help_text="The first day of the month it was sent."),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
            ],
            options={"ordering": ["-month", "theme"]},
        ),
        migrations.RunPython(copy_notes, migrations.RunPython.noop),
        migrations.DeleteModel(name="PracticeVoiceNote"),
        migrations.RenameModel(old_name="PracticeVoiceNoteRandomId", new_name="PracticeVoiceNote"),
        migrations.AlterField(
            model_name="practicevoicenote",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="practice_voice_notes",
                to="organisations.organisation",
            ),
        ),
    ]
