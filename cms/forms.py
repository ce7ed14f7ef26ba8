"""Form pieces shared by every app: the GOV.UK date input (three boxes) and putting a service's
ValidationError back on the fields it names. Templates: templates/includes/forms/."""

from datetime import date

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.boundfield import BoundField

DATE_PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))


class GovUKDateWidget(forms.MultiWidget):
    """Three boxes (day, month, year), as in the GOV.UK date input pattern."""

    def __init__(self, attrs=None):
        super().__init__({key: forms.TextInput for key, _label, _width in DATE_PARTS}, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovUKDateBoundField(BoundField):
    @property
    def parts(self) -> list[dict]:
        """The three boxes, with what was typed in them (kept as typed when there is an error)."""
        value = self.value()
        if not isinstance(value, list | tuple):
            value = self.field.widget.decompress(value)
        return [
            {
                "name": f"{self.html_name}_{key}",
                "id": f"{self.auto_id}_{key}",
                "label": label,
                "width": width,
                "value": "" if part is None else part,
            }
            for (key, label, width), part in zip(DATE_PARTS, value, strict=False)
        ]

    @property
    def anchor_id(self) -> str:
        """Where an error summary link should take you: the first box."""
        return f"{self.auto_id}_day"


class GovUKDateField(forms.Field):
    widget = GovUKDateWidget

    def __init__(self, *, name_in_errors: str, **kwargs):
        self.name_in_errors = name_in_errors
        kwargs.setdefault("error_messages", {"required": f"Enter the {name_in_errors}"})
        super().__init__(**kwargs)

    def get_bound_field(self, form, field_name):
        return GovUKDateBoundField(form, self, field_name)

    def to_python(self, value):
        if isinstance(value, date) or value is None:
            return value
        parts = [str(part or "").strip() for part in value]
        if not any(parts):
            return None
        what = self.name_in_errors[:1].upper() + self.name_in_errors[1:]
        missing = [
            label.lower()
            for (_k, label, _w), part in zip(DATE_PARTS, parts, strict=False)
            if not part
        ]
        if missing:
            raise ValidationError(f"{what} must include a {' and a '.join(missing)}")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            raise ValidationError(f"{what} must be a real date") from None


class ServiceErrorsMixin:
    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names (the rest above the form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                name = field if field in self.fields and field != NON_FIELD_ERRORS else None
                self.add_error(name, errors)
        else:
            self.add_error(None, error)
