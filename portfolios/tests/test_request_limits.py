"""Small requests must not use large resources: files and pixels per request, ZIP imports read a
member at a time with caps, and a cap on entries per import."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.factories import UserFactory
from portfolios import uploads
from portfolios.interchange import PortfolioImportError, import_portfolio, read_upload
from portfolios.models import Attachment, Entry

from .test_entries import NEW, record
from .test_odd_input import entry

pytestmark = pytest.mark.django_db

IMPORT = "/portfolio/import/"


def png(size=(40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


# --- files and pixels in one request ----------------------------------------------------------


def test_more_files_than_the_limit_in_one_request_are_refused(client, practitioner, settings):
    settings.CAPABLE_UPLOAD_MAX_FILES_PER_REQUEST = 2
    client.force_login(practitioner)

    response = client.post(NEW, record(attachments=[png(), png(), png()]))

    assert response.status_code == 200
    assert "You attached 3 files; you can attach up to 2 at a time" in response.content.decode()
    assert not Entry.objects.exists() and not Attachment.objects.exists()


def test_images_with_too_many_pixels_between_them_are_refused_before_decoding(
    client, practitioner, settings, monkeypatch
):
    settings.CAPABLE_UPLOAD_MAX_TOTAL_PIXELS = 2_000

    def decode(*args, **kwargs):
        raise AssertionError("an image was decoded before the request's pixels were counted")

    monkeypatch.setattr(uploads, "_clean_image", decode)
    client.force_login(practitioner)

    response = client.post(NEW, record(attachments=[png(), png()]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The images you attached have" in page and "megapixels between them" in page
    assert not Entry.objects.exists()


def test_images_within_the_total_are_attached(client, practitioner, settings):
    settings.CAPABLE_UPLOAD_MAX_TOTAL_PIXELS = 4_000

    client.force_login(practitioner)

    response = client.post(NEW, record(attachments=[png(), png()]))

    assert response.status_code == 302
    assert Attachment.objects.count() == 2


def test_the_defaults_are_ten_files_and_sixty_megapixels(settings):
    del settings.CAPABLE_UPLOAD_MAX_FILES_PER_REQUEST
    del settings.CAPABLE_UPLOAD_MAX_TOTAL_PIXELS

    assert uploads.max_files_per_request() == 10
    assert uploads.max_total_pixels() == 60_000_000


# --- ZIP imports ------------------------------------------------------------------------------


def portfolio(*entries):
    return {"format": "capable-portfolio", "format_version": 1, "entries": list(entries)}


def zip_file(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return SimpleUploadedFile("portfolio.zip", buffer.getvalue(), content_type="application/zip")


def with_attachment(path="attachments/1/big.png"):
    return entry(attachments=[{"name": "big.png", "path": path}])


def test_attachments_are_not_read_when_the_zip_is_opened(monkeypatch):
    upload = zip_file(
        {
            "portfolio.json": json.dumps(portfolio(with_attachment())),
            "attachments/1/big.png": png().read(),
        }
    )
    opened = []
    original_open = zipfile.ZipFile.open

    def recording_open(self, member, *args, **kwargs):
        opened.append(getattr(member, "filename", member))
        return original_open(self, member, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)

    data, files = read_upload(upload)

    assert "attachments/1/big.png" in files
    assert opened == ["portfolio.json"]  # attachments are read when the import asks for them
    result = import_portfolio(UserFactory(), data=data, files=files)
    assert result.attachments_restored == 1
    assert opened == ["portfolio.json", "attachments/1/big.png"]


def test_an_attachment_larger_than_the_upload_limit_is_never_read(monkeypatch, settings):
    settings.CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES = 1_000
    upload = zip_file(
        {
            "portfolio.json": json.dumps(portfolio(with_attachment())),
            "attachments/1/big.png": bytes(range(256)) * 200,
        }
    )
    data, files = read_upload(upload)

    def refuse(*args, **kwargs):
        raise AssertionError("an attachment over the limit was decompressed")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    result = import_portfolio(UserFactory(), data=data, files=files)

    assert result.entries_created == 1
    assert result.attachments_restored == 0
    assert "larger than" in result.attachments_rejected[0]


def test_a_zip_bomb_is_refused_before_anything_is_decompressed(client, monkeypatch):
    upload = zip_file(
        {
            "portfolio.json": json.dumps(portfolio(with_attachment())),
            "attachments/1/big.png": b"\0" * (8 * 1024 * 1024),
        }
    )
    assert upload.size < 100_000

    def refuse(*args, **kwargs):
        raise AssertionError("the bomb was decompressed")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    client.force_login(UserFactory())

    response = client.post(IMPORT, {"file": upload})

    assert response.status_code == 200
    assert "compressed far more than any file in a Capable download" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_member_holding_more_than_it_declares_is_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("portfolio.json", json.dumps(portfolio(entry())))
    raw = bytearray(buffer.getvalue())
    # Halve the uncompressed size the central directory declares for portfolio.json.
    directory = raw.rfind(b"PK\x01\x02")
    size = int.from_bytes(raw[directory + 24 : directory + 28], "little")
    raw[directory + 24 : directory + 28] = (size // 2).to_bytes(4, "little")

    with pytest.raises(PortfolioImportError, match="could not be opened"):
        read_upload(SimpleUploadedFile("p.zip", bytes(raw)))


# --- entries per import -----------------------------------------------------------------------


def test_more_entries_than_the_limit_are_refused_with_a_clear_message(client, settings):
    settings.CAPABLE_IMPORT_MAX_ENTRIES = 3
    client.force_login(UserFactory())
    data = portfolio(*(entry(n) for n in range(1, 5)))
    upload = SimpleUploadedFile("portfolio.json", json.dumps(data).encode())

    response = client.post(IMPORT, {"file": upload})

    assert response.status_code == 200
    assert "This portfolio file has 4 entries; Capable imports at most 3 at once" in (
        response.content.decode()
    )
    assert not Entry.objects.exists()


def test_the_entry_limit_defaults_to_two_thousand(settings):
    from portfolios.interchange import max_entries

    del settings.CAPABLE_IMPORT_MAX_ENTRIES

    assert max_entries() == 2_000
