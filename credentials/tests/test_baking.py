"""Baked badges (OB 3.0 "Baked Badge"): a PNG whose iTXt chunk `openbadgecredential` holds the
compact JWS, uncompressed; an SVG whose `openbadges:credential` element carries it in `verify`;
both downloaded by the holder, extracted and verified; and the verification page reads a badge
image someone uploads, checked like every upload."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credentials import issuing
from credentials.baking import (
    NotBaked,
    baked_png,
    baked_svg,
    extract_png,
    extract_svg,
)
from credentials.verification import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(confirmed_asye):
    appraisal, _ = confirmed_asye
    return issuing.issue(holder=appraisal.appraisee, key=f"asye:{appraisal.uuid}")


def _chunks(png: bytes):
    position = 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        yield png[position + 4 : position + 8], png[position + 8 : position + 8 + length]
        position += 12 + length


def test_png_bakes_then_extracts_and_verifies(credential):
    png = baked_png(name=credential.name, issuer=credential.issuer.name, jwt=credential.jwt)
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    itxt = [body for kind, body in _chunks(png) if kind == b"iTXt"]
    assert len(itxt) == 1  # MUST NOT appear more than once
    keyword, _, rest = itxt[0].partition(b"\0")
    assert keyword == b"openbadgecredential"
    assert rest[:2] == b"\0\0"  # compression flag and method: not compressed
    assert rest.endswith(credential.jwt.encode())
    assert extract_png(png) == credential.jwt
    assert verify(extract_png(png)).valid


def test_svg_carries_the_jws_in_the_verify_attribute(credential):
    svg = baked_svg(name=credential.name, issuer=credential.issuer.name, jwt=credential.jwt)
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg
    first = svg.split("<svg", 1)[1].split(">", 1)[1].lstrip()
    assert first.startswith(f'<openbadges:credential verify="{credential.jwt}">')
    assert svg.count("<openbadges:credential") == 1
    assert extract_svg(svg) == credential.jwt
    assert verify(extract_svg(svg)).valid


def test_svg_with_an_embedded_proof_reads_its_cdata_body():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/'
        'ob/v3p0"><openbadges:credential><![CDATA[ {"id": "x"} ]]></openbadges:credential></svg>'
    )
    assert extract_svg(svg) == '{"id": "x"}'
    with pytest.raises(NotBaked):
        extract_svg('<svg xmlns="http://www.w3.org/2000/svg"></svg>')


def test_holder_downloads_png_svg_and_jwt(client, credential):
    client.force_login(credential.holder)
    page = client.get(credential.get_absolute_url()).content.decode()
    for download in ("badge.png", "badge.svg", "credential.jwt"):
        assert f'href="/credentials/{credential.uuid}/{download}"' in page
    png = client.get(f"/credentials/{credential.uuid}/badge.png")
    assert png["Content-Type"] == "image/png"
    assert extract_png(png.content) == credential.jwt
    jwt = client.get(f"/credentials/{credential.uuid}/credential.jwt")
    assert jwt.content.decode() == credential.jwt
    assert jwt["Content-Disposition"].endswith('.jwt"')
    # Nobody else downloads it.
    client.logout()
    assert client.get(f"/credentials/{credential.uuid}/badge.png").status_code == 302


def _upload(client, name: str, content: bytes):
    badge = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post("/credentials/verify/", {"credential": "", "badge": badge})


def test_verify_page_unbakes_an_uploaded_png_and_svg(client, credential):
    png = baked_png(name=credential.name, issuer=credential.issuer.name, jwt=credential.jwt)
    page = _upload(client, "my badge.png", png).content.decode()
    assert "Verified" in page and "Not verified" not in page
    svg = baked_svg(name=credential.name, issuer=credential.issuer.name, jwt=credential.jwt)
    # The type comes from the content, not the name.
    page = _upload(client, "badge.txt", svg.encode()).content.decode()
    assert "Verified" in page and "Not verified" not in page


def test_a_tampered_baked_badge_fails(client, credential):
    header, payload, signature = credential.jwt.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    png = baked_png(name=credential.name, issuer=credential.issuer.name, jwt=forged)
    assert "Not verified" in _upload(client, "badge.png", png).content.decode()


def _plain_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The badge image you chose is empty"),
        (b"%PDF-1.7 not an image", "Choose a badge image that is a PNG or an SVG"),
        (_plain_png(), "The badge image has no credential baked into it"),
        (_plain_png()[:40], "The badge image is damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"x" * (2 * 1024 * 1024), "smaller than 2 MB"),
    ],
)
def test_uploads_that_are_refused_name_the_field(client, content, message):
    response = _upload(client, "badge.png", content)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'href="#id_badge"' in page  # the error summary points at the file field


def test_a_compressed_or_second_chunk_is_read_from_the_first_chunk_only():
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    base = _plain_png()
    first = chunk(b"iTXt", b"openbadgecredential\0\1\0\0\0" + zlib.compress(b"a.b.c"))
    second = chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0d.e.f")
    png = base[:33] + first + second + base[33:]
    assert extract_png(png) == "a.b.c"
