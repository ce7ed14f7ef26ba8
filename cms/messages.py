"""Showing a service's refusal to the person who asked, as error messages on the next page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied


def report_refusal(request, error, *, denied: str) -> None:
    """A PermissionDenied becomes one message (its own text, else `denied`); a ValidationError
    one message per problem it names."""
    if isinstance(error, PermissionDenied):
        messages.error(request, str(error) or denied)
    else:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
