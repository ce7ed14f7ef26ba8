"""The PDF active-content check reads PDF syntax as a reader does: comments and strings hold no
names and start no stream, "stream" counts only after a dictionary, stream data is skipped by
its /Length, and an object a reader reaches through the cross-reference table is read wherever
it hides. Each PDF here is built with a correct cross-reference table."""

import io
import os
import zlib

import pytest
from fpdf import FPDF
from PIL import Image

from portfolios.active_content import pdf_active_content
from portfolios.uploads import check_upload

from .test_uploads import rejection, upload

CATALOG = b"<< /Type /Catalog /Pages 2 0 R %s >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s >>"


def build(*parts, root=1):
    """A PDF from `parts`: (number, body) for an object, or bytes written as they are. The
    cross-reference table points at each object's header; a number given twice points at the
    last copy."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for part in parts:
        if isinstance(part, bytes):
            out += part
            continue
        number, body = part
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    return _finish(out, offsets, root)


def _finish(out, offsets, root):
    size = max(offsets) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        if number in offsets:
            out += b"%010d 00000 n \n" % offsets[number]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def stream(dictionary, data, length=None):
    length = b"%d" % len(data) if length is None else length
    return b"<< " + dictionary + b" /Length " + length + b" >>\nstream\n" + data + b"\nendstream"


def plain(catalog=b"", page=b"", *more):
    return build((1, CATALOG % catalog), (2, PAGES), (3, PAGE % page), *more)


# Compressed image bytes that spell names, parentheses, comments and keywords by chance.
IMAGE = (
    zlib.compress(bytes(range(256)) * 8)
    + b"\x00/JS /JavaScript /Launch /OpenAction << /AA >> ( % endobj 7 0 R stream\n\xff"
    + bytes(range(255, -1, -1))
)


@pytest.mark.parametrize(
    ("catalog", "found"),
    [
        (b"/OpenAction 4 0 R", "an action that runs when it is opened"),
        (b"/Names 5 0 R", "JavaScript"),
    ],
)
def test_a_comment_cannot_start_a_stream_that_hides_javascript(catalog, found):
    content = build(
        b"% stream\n",
        (1, CATALOG % catalog),
        (2, PAGES),
        (3, PAGE % b""),
        (4, b"<< /S /JavaScript /JS (app.alert(1)) >>"),
        (5, b"<< /JavaScript 6 0 R >>"),
        (6, b"<< /Names [(a) 4 0 R] >>"),
        b"% endstream\n",
    )

    assert pdf_active_content(content) == found
    assert rejection("notes.pdf", content).code == "active_content"


def test_a_string_cannot_start_a_stream_that_hides_an_open_action():
    content = plain(
        b"/Lang (en stream\n) /OpenAction << /S /Launch /F (cmd.exe) >> /PageMode (endstream)"
    )

    assert rejection("notes.pdf", content).code == "active_content"


def test_a_binary_image_whose_data_spells_names_is_accepted():
    image = stream(
        b"/Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode",
        IMAGE,
    )
    content = plain(b"", b"/Resources << /XObject << /Im1 4 0 R >> >>", (4, image))

    assert pdf_active_content(content) == ""
    assert check_upload(upload("scan.pdf", content)).extension == ".pdf"


def test_image_data_holding_endstream_is_skipped_by_its_length():
    data = IMAGE + b"\nendstream\n/JS (x)\n" + IMAGE
    content = plain(b"", b"", (4, stream(b"/Subtype /Image /Filter /FlateDecode", data)))

    assert pdf_active_content(content) == ""


def test_an_indirect_length_falls_back_to_the_next_endstream():
    image = stream(b"/Subtype /Image", IMAGE, length=b"5 0 R")
    content = plain(
        b"/OpenAction 6 0 R", b"", (4, image), (5, b"%d" % len(IMAGE)), (6, b"[3 0 R /Fit]")
    )

    assert pdf_active_content(content) == ""
    after = plain(b"", b"", (4, image), (5, b"<< /S /JavaScript /JS (x) >>"))
    assert pdf_active_content(after) == "JavaScript"


def test_a_length_that_does_not_end_at_endstream_is_not_trusted():
    # /Length 1 would end the stream inside the data; the data runs to "endstream".
    image = stream(b"/Subtype /Image", b"/JS in data", length=b"1")
    content = plain(b"", b"", (4, image), (5, b"<< /S /JavaScript /JS (x) >>"))

    assert pdf_active_content(content) == "JavaScript"
    assert pdf_active_content(plain(b"", b"", (4, image))) == ""


@pytest.mark.parametrize(
    "value",
    [b"(About /JavaScript and /Launch)", b"<2F4A53>", b"(nested (/JS) \\) /AA)"],
)
def test_names_inside_strings_are_not_names(value):
    assert pdf_active_content(plain(b"/Lang " + value)) == ""


def test_a_comment_is_not_read_for_names():
    assert pdf_active_content(plain(b"% /JavaScript /Launch\n")) == ""


def test_an_object_hidden_in_a_comment_and_reached_by_the_xref_is_read():
    # The xref points at "4 0 obj" inside the comment line; a reader goes straight there.
    content = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number, body in ((1, CATALOG % b"/Names 4 0 R"), (2, PAGES), (3, PAGE % b"")):
        offsets[number] = len(content)
        content += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    content += b"% "
    offsets[4] = len(content)
    content += b"4 0 obj << /JavaScript 5 0 R >> endobj\n"
    content = _finish(content, offsets, 1)

    assert pdf_active_content(content) == "JavaScript"


def test_an_object_hidden_in_stream_data_is_read():
    hidden = b"5 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n"
    content = plain(b"/OpenAction 5 0 R", b"", (4, stream(b"/Subtype /Image", hidden)))

    assert rejection("notes.pdf", content).code == "active_content"


def test_a_second_copy_of_an_object_that_is_not_a_page_counts_as_an_action():
    content = plain(
        b"/OpenAction 4 0 R",
        b"",
        (4, b"[3 0 R /Fit]"),
        b"% 4 0 obj << /S /URI /URI (https://attacker.example/) >> endobj\n",
    )

    assert pdf_active_content(content) == "an action that runs when it is opened"


def test_javascript_in_an_object_stream_after_a_comment_is_found():
    body = b"<< /JavaScript 6 0 R >>\n"
    head = b"4 0\n"
    data = zlib.compress(head + body)
    objstm = stream(b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % len(head), data)
    content = plain(b"% a comment\n/Names 4 0 R", b"", (5, objstm))

    assert pdf_active_content(content) == "JavaScript"


def test_a_pdf_with_an_embedded_photo_from_a_pdf_library_is_accepted():
    photo = Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3))
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Whiteboard from supervision (see /JS notes) % not a comment")
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG")
    document.image(buffer, x=10, y=30, w=50)
    content = bytes(document.output())

    assert pdf_active_content(content) == ""
    assert check_upload(upload("whiteboard.pdf", content)).extension == ".pdf"
