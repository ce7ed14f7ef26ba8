"""Placeholder: being written."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


provider = quality = student_feedback = _missing
