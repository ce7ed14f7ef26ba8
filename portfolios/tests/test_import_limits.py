"""Comments and framework mappings in one portfolio import are capped, per entry and in all,
and refused before any entry is read with a message naming the entry."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.factories import UserFactory
from portfolios.interchange_check import (
    DEFAULT_MAX_MAPPINGS_PER_ENTRY,
    check_data,
)
from portfolios.models import Entry

from .test_request_limits import IMPORT, entry, portfolio

pytestmark = pytest.mark.django_db


def comment(n):
    return {"author": "Sam Supervisor", "at": "2026-03-02T10:00:00+00:00", "body": f"Note {n}"}


def mapping(n):
    return {"framework": "PCF", "version": "2018", "code": f"1.{n}"}


def post(client, data):
    client.force_login(UserFactory())
    upload = SimpleUploadedFile("portfolio.json", json.dumps(data).encode())
    return client.post(IMPORT, {"file": upload})


def test_too_many_comments_on_one_entry_are_refused_naming_the_entry(client, settings):
    settings.CAPABLE_IMPORT_MAX_COMMENTS_PER_ENTRY = 3
    data = portfolio(entry(1), entry(2, comments=[comment(n) for n in range(4)]))

    response = post(client, data)

    assert response.status_code == 200
    assert (
        "Entry 2 (“Course 2”) has 4 comments; Capable imports at most 3 comments on one entry"
        in response.content.decode()
    )
    assert not Entry.objects.exists()


def test_too_many_mappings_on_one_entry_are_refused_naming_the_entry(client, settings):
    settings.CAPABLE_IMPORT_MAX_MAPPINGS_PER_ENTRY = 2
    data = portfolio(entry(1, mappings=[mapping(n) for n in range(3)]))

    response = post(client, data)

    assert (
        "Entry 1 (“Course 1”) has 3 mappings; Capable imports at most 2 mappings on one entry"
        in response.content.decode()
    )
    assert not Entry.objects.exists()


def test_too_many_comments_in_all_are_refused(client, settings):
    settings.CAPABLE_IMPORT_MAX_COMMENTS_PER_ENTRY = 3
    settings.CAPABLE_IMPORT_MAX_COMMENTS = 5
    data = portfolio(*(entry(n, comments=[comment(1), comment(2)]) for n in range(1, 4)))

    response = post(client, data)

    assert (
        "This portfolio file has 6 comments in all; Capable imports at most 5 at once"
        in response.content.decode()
    )
    assert not Entry.objects.exists()


def test_too_many_mappings_in_all_are_refused(settings):
    from portfolios.interchange import PortfolioImportError

    settings.CAPABLE_IMPORT_MAX_MAPPINGS = 3
    data = portfolio(
        entry(1, mappings=[mapping(1), mapping(2)]), entry(2, mappings=[mapping(3), mapping(4)])
    )

    with pytest.raises(PortfolioImportError, match="4 mappings in all"):
        check_data(data)


def test_comments_up_to_the_limit_are_imported(client, settings):
    settings.CAPABLE_IMPORT_MAX_COMMENTS_PER_ENTRY = 3
    data = portfolio(entry(1, comments=[comment(n) for n in range(3)]))

    response = post(client, data)

    assert response.status_code == 302
    assert Entry.objects.get().comments.count() == 3


def test_the_defaults_refuse_fifty_thousand_comments_quickly(settings):
    from portfolios.interchange import PortfolioImportError

    for name in (
        "CAPABLE_IMPORT_MAX_COMMENTS_PER_ENTRY",
        "CAPABLE_IMPORT_MAX_MAPPINGS_PER_ENTRY",
        "CAPABLE_IMPORT_MAX_COMMENTS",
        "CAPABLE_IMPORT_MAX_MAPPINGS",
    ):
        delattr(settings, name)
    data = portfolio(entry(1, comments=[comment(n) for n in range(50_000)]))

    with pytest.raises(PortfolioImportError, match="at most 200 comments on one entry"):
        check_data(data)


def test_an_entry_mapped_to_every_statement_of_every_shipped_framework_is_not_refused():
    """The default mappings cap is above the node count of all shipped frameworks together."""
    nodes = 0
    from pathlib import Path

    for path in Path(__file__).resolve().parents[2].glob("capabilities/data/*.json"):
        nodes += _count(json.loads(path.read_text()))
    assert 0 < nodes < DEFAULT_MAX_MAPPINGS_PER_ENTRY


def _count(value):
    """Every code and every statement in a shipped framework file."""
    if isinstance(value, dict):
        return ("code" in value) + sum(_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(1 if isinstance(v, str) else _count(v) for v in value)
    return 0
