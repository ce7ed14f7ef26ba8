import pytest

from capabilities.factories import build_pcf


@pytest.fixture
def pcf(db):
    """A small published PCF-shaped framework version."""
    return build_pcf()


@pytest.fixture
def core_font(monkeypatch):
    """Force the PDFs' Helvetica fallback, as on a machine without any wide-coverage TTF (its
    text can then be read from the content stream: see `tests.pdf_text.literal`)."""
    from portfolios import pdf

    monkeypatch.setattr(pdf, "find_unicode_font", lambda: None)


@pytest.fixture(autouse=True)
def fresh_framework_pages():
    """Each test starts a new generation of the cached framework pages (capabilities.page_cache):
    a page cached in one test never answers in another, whose rolled-back data may differ."""
    from django.core.cache import cache

    from capabilities.page_cache import GENERATION_KEY

    cache.delete(GENERATION_KEY)
