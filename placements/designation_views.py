"""Placeholder: being written."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


designation_list = designation_create = designation_detail = _missing
