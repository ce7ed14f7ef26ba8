"""Placeholder: being written."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


review = _missing
