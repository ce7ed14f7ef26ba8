"""Form pieces shared by every app: the GOV.UK date input (three boxes) and putting a service's
ValidationError back on the fields it names. Templates: templates/includes/forms/."""

from collections.abc import Callable
from datetime import date

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.boundfield import BoundField
from django.utils import dateformat, timezone

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


#: The earliest date any form (or import) accepts ...
EARLIEST_DATE = date(1950, 1, 1)
#: ... and the latest is the end of the year this many years from today.
LATEST_YEARS_AHEAD = 5


def latest_date(today: date | None = None) -> date:
    """The latest date any form (or import) accepts: 31 December, LATEST_YEARS_AHEAD years on."""
    today = today or timezone.localdate()
    return date(today.year + LATEST_YEARS_AHEAD, 12, 31)


def format_day(day: date) -> str:
    return dateformat.format(day, "j F Y")


DateBound = date | Callable[[], date]


def check_date_in_range(
    value: date, *, what: str = "date", earliest: date | None = None, latest: date | None = None
) -> None:
    """Raise a GOV.UK-style ValidationError unless `value` is between `earliest` and `latest`
    (by default EARLIEST_DATE and `latest_date()`). For any form field that takes a date."""
    earliest = earliest or EARLIEST_DATE
    latest = latest or latest_date()
    if not earliest <= value <= latest:
        what = what[:1].upper() + what[1:]
        raise ValidationError(
            f"{what} must be between {format_day(earliest)} and {format_day(latest)}",
            code="out_of_range",
        )


def date_in_range_validator(what: str = "date") -> Callable[[date], None]:
    """A validator for a plain DateField (for example in a Wagtail admin form)."""

    def validate(value: date) -> None:
        if value is not None:
            check_date_in_range(value, what=what)

    return validate


class GovUKDateField(forms.Field):
    """A date typed into three boxes, between `min_value` and `max_value` (a date, or a function
    giving one when the form is checked): by default from EARLIEST_DATE to `latest_date()`, so no
    form stores a date such as 31 December 9999."""

    widget = GovUKDateWidget

    def __init__(
        self,
        *,
        name_in_errors: str,
        min_value: DateBound = EARLIEST_DATE,
        max_value: DateBound = latest_date,
        **kwargs,
    ):
        self.name_in_errors = name_in_errors
        self.min_value = min_value
        self.max_value = max_value
        kwargs.setdefault("error_messages", {"required": f"Enter the {name_in_errors}"})
        super().__init__(**kwargs)

    @staticmethod
    def _bound(value: DateBound) -> date:
        return value() if callable(value) else value

    def validate(self, value):
        super().validate(value)
        if value is not None:
            check_date_in_range(
                value,
                what=self.name_in_errors,
                earliest=self._bound(self.min_value),
                latest=self._bound(self.max_value),
            )

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
