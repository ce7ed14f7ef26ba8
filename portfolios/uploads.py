"""Checking files that people attach to portfolio entries.

`check_upload()` takes an uploaded file and either returns a `CheckedUpload` (the bytes to store,
with a content type, extension and cleaned name that Capable decided itself) or raises a
`ValidationError` whose message can be shown to the person who attached the file.

The rules:
- the type is decided from the file's content only, never from its name or from the content type
  the browser sent;
- accepted: PDF, Word/Excel/PowerPoint (.docx/.xlsx/.pptx, without macros), OpenDocument text and
  spreadsheets (.odt/.ods, without macros), JPEG, PNG, GIF and WebP;
- older Office files (.doc/.xls/.ppt) are refused: they can carry macros and cannot be checked;
- images are decoded in full and re-encoded, which drops everything except the pixels: EXIF
  (including GPS position), XMP, ICC profiles (colours are converted to sRGB first), comments and
  PNG text chunks. Animated GIF, PNG and WebP images keep only their first frame;
- documents are stored exactly as uploaded (they are checked, not rewritten).

Active content is refused: Office files with macros (found by part name, content type,
relationship type and content, parsing the package XML with a real parser, so character
references, UTF-16 or a renamed part hide nothing), embedded objects (OLE, ActiveX, embedded
packages) and references to anything outside the file (a remote template, a linked frame or
object); PDFs with JavaScript, actions run on opening or on events, launch actions, embedded
files, rich media or XFA forms, also when names are hex-escaped or inside compressed object
streams, and encrypted PDFs, which cannot be checked.

`check_uploads()` checks the files of one request together: at most
CAPABLE_UPLOAD_MAX_FILES_PER_REQUEST files, with at most CAPABLE_UPLOAD_MAX_TOTAL_PIXELS pixels
across their images, counted from the image headers before any is decoded.

Error codes: "empty", "too_large", "unsupported_type", "damaged", "legacy_office", "encrypted",
"macros", "active_content", "unsafe_archive", "image_too_large", "too_many_files" and
"too_many_pixels".
"""

import hashlib
import io
import re
import threading
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from PIL import Image, ImageCms, ImageFile, ImageOps

from .active_content import (
    ACTIVE,
    MACROS,
    OLE_MAGIC,
    TooLarge,
    Unreadable,
    has_ole_part,
    office_active_content,
    pdf_active_content,
)

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024

#: Images with more pixels than this are refused before they are decoded.
MAX_IMAGE_PIXELS = 40_000_000

#: A ZIP-based document may expand to at most this many bytes in total ...
MAX_ARCHIVE_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
#: ... and no member may be compressed more than this many times ...
MAX_COMPRESSION_RATIO = 100
#: ... once it is bigger than this (tiny members of repetitive XML reach high ratios harmlessly;
#: every member is still counted towards the total above).
COMPRESSION_RATIO_APPLIES_FROM_BYTES = 1024 * 1024
#: ... and may hold at most this many members.
MAX_ARCHIVE_MEMBERS = 10_000
#: Defaults of CAPABLE_UPLOAD_MAX_FILES_PER_REQUEST and CAPABLE_UPLOAD_MAX_TOTAL_PIXELS.
DEFAULT_MAX_FILES_PER_REQUEST = 10
DEFAULT_MAX_TOTAL_PIXELS = 60_000_000

MAX_NAME_LENGTH = 200
FALLBACK_NAME = "attachment"

ACCEPTED_DESCRIPTION = (
    "PDF, Word, Excel, PowerPoint, OpenDocument text or spreadsheet, JPEG, PNG, GIF or WebP"
)
ACCEPTED_EXTENSIONS = (
    ".pdf",
    ".docx",
    ".xlsx",
    ".pptx",
    ".odt",
    ".ods",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
)


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes  # the bytes to store (for images: re-encoded, metadata stripped)
    content_type: str  # e.g. "application/pdf", "image/png"
    extension: str  # canonical extension with the dot, e.g. ".pdf", ".docx", ".png"
    original_name: str  # the uploader's file name, cleaned, with the canonical extension
    size: int  # len(content)
    sha256: str  # hex digest of content


@dataclass(frozen=True)
class _Kind:
    content_type: str
    extension: str
    label: str  # "a PDF", "a Word document", ... for messages
    pil_format: str = ""  # for images: the only Pillow plugin allowed to open it
    save_as: str = ""  # for Office documents: what to save it as when it has macros


PDF = _Kind("application/pdf", ".pdf", "a PDF")
DOCX = _Kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    "a Word document",
    save_as="a Word Document (.docx)",
)
XLSX = _Kind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    "an Excel spreadsheet",
    save_as="an Excel Workbook (.xlsx)",
)
PPTX = _Kind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
    "a PowerPoint presentation",
    save_as="a PowerPoint Presentation (.pptx)",
)
ODT = _Kind(
    "application/vnd.oasis.opendocument.text",
    ".odt",
    "an OpenDocument text document",
    save_as="an OpenDocument text document (.odt)",
)
ODS = _Kind(
    "application/vnd.oasis.opendocument.spreadsheet",
    ".ods",
    "an OpenDocument spreadsheet",
    save_as="an OpenDocument spreadsheet (.ods)",
)
JPEG = _Kind("image/jpeg", ".jpg", "a JPEG image", pil_format="JPEG")
PNG = _Kind("image/png", ".png", "a PNG image", pil_format="PNG")
GIF = _Kind("image/gif", ".gif", "a GIF image", pil_format="GIF")
WEBP = _Kind("image/webp", ".webp", "a WebP image", pil_format="WEBP")

# The part each kind of OOXML package must contain, in the order they are tried.
_OOXML_MAIN_PARTS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
}
_OLE_MAGIC = OLE_MAGIC
# Stream names (UTF-16LE in the OLE directory) of a password-protected .docx/.xlsx/.pptx.
_OLE_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# Library index files LibreOffice may write even when a document has no macros.
_ODF_BASIC_INDEX_FILES = ("script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml")

_MB = 1024 * 1024
_EXTENSION_RE = re.compile(r"[A-Za-z0-9]{1,10}")
_WHITESPACE_RE = re.compile(r"\s+")


def max_upload_bytes() -> int:
    """The largest attachment accepted, in bytes (CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES)."""
    limit = getattr(settings, "CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
        raise ImproperlyConfigured(
            "CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES must be a positive whole number of bytes."
        )
    return limit


def check_upload(uploaded_file) -> CheckedUpload:
    """Check a Django UploadedFile (or any object with .name, .size, .read()/.chunks()).

    Returns what to store; raises ValidationError with a user-facing message and a `code` when the
    file is refused. `uploaded_file.content_type` is never looked at.
    """
    raw_name = str(getattr(uploaded_file, "name", "") or "")
    name = _display_name(raw_name)
    limit = max_upload_bytes()

    declared_size = getattr(uploaded_file, "size", None)
    if isinstance(declared_size, int) and declared_size > limit:
        raise _too_large(name, declared_size, limit)

    data = _read_at_most(uploaded_file, limit + 1)
    if len(data) > limit:
        raise ValidationError(
            "“%(name)s” is larger than %(limit)s, the largest file you can attach.",
            code="too_large",
            params={"name": name, "limit": _format_size(limit)},
        )
    if not data:
        raise _empty(name)

    kind, content = _check_content(data, name)
    return CheckedUpload(
        content=content,
        content_type=kind.content_type,
        extension=kind.extension,
        original_name=clean_name(raw_name, kind.extension),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _positive_setting(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ImproperlyConfigured(f"{name} must be a positive whole number.")
    return value


def max_files_per_request() -> int:
    """The most files one request may attach (CAPABLE_UPLOAD_MAX_FILES_PER_REQUEST)."""
    return _positive_setting("CAPABLE_UPLOAD_MAX_FILES_PER_REQUEST", DEFAULT_MAX_FILES_PER_REQUEST)


def max_total_pixels() -> int:
    """The most pixels across the images of one request (CAPABLE_UPLOAD_MAX_TOTAL_PIXELS)."""
    return _positive_setting("CAPABLE_UPLOAD_MAX_TOTAL_PIXELS", DEFAULT_MAX_TOTAL_PIXELS)


def check_uploads(uploaded_files: Sequence) -> list[CheckedUpload]:
    """Check the files attached in one request: `check_upload()` for each, after refusing more
    files than CAPABLE_UPLOAD_MAX_FILES_PER_REQUEST, or images with more pixels between them
    than CAPABLE_UPLOAD_MAX_TOTAL_PIXELS (counted from their headers, before any is decoded).
    Raises one ValidationError with every file's problem."""
    uploaded_files = list(uploaded_files)
    most = max_files_per_request()
    if len(uploaded_files) > most:
        raise ValidationError(
            "You attached %(count)s files; you can attach up to %(most)s at a time. Attach the "
            "rest when you edit the entry again.",
            code="too_many_files",
            params={"count": len(uploaded_files), "most": most},
        )
    pixels = sum(_image_pixels(upload) for upload in uploaded_files)
    limit = max_total_pixels()
    if pixels > limit:
        raise ValidationError(
            "The images you attached have %(pixels)s megapixels between them; you can attach up "
            "to %(limit)s megapixels at a time. Attach fewer images at once, or make them "
            "smaller, and attach them again.",
            code="too_many_pixels",
            params={"pixels": _megapixels(pixels), "limit": _megapixels(limit)},
        )
    checked, errors = [], []
    for upload in uploaded_files:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked


_IMAGE_FORMATS = ["JPEG", "PNG", "GIF", "WEBP"]


def _image_pixels(uploaded_file) -> int:
    """Width times height from an image's header (nothing is decoded); 0 for anything else."""
    _rewind(uploaded_file)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(uploaded_file, formats=_IMAGE_FORMATS) as image:
                width, height = image.size
        return width * height
    except Image.DecompressionBombError:
        return MAX_IMAGE_PIXELS + 1
    except Exception:  # not an image, or a damaged one: check_upload() says which
        return 0
    finally:
        _rewind(uploaded_file)


# --- names ------------------------------------------------------------------------------------


def _display_name(raw_name: str) -> str:
    """The uploader's name as it may be shown back: basename only, no control characters."""
    name = unicodedata.normalize("NFC", raw_name.replace("\\", "/").rsplit("/", 1)[-1])
    # Cc: control characters; Cf: invisible formatting such as right-to-left overrides, which
    # can disguise an extension; Zl/Zp: line breaks; Cs: lone surrogates, which cannot be stored.
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp", "Cs"))
    name = _WHITESPACE_RE.sub(" ", name).strip()
    if name in ("", ".", ".."):
        return FALLBACK_NAME
    return name[:MAX_NAME_LENGTH]


def clean_name(raw_name: str, extension: str) -> str:
    """The uploader's file name made safe to keep, ending in `extension` (".pdf", ...).

    Only the last path component is kept, control and invisible formatting characters are
    removed, whatever extension the name had is replaced, and the result is at most
    MAX_NAME_LENGTH characters long.
    """
    name = _display_name(raw_name)
    stem, dot, suffix = name.rpartition(".")
    if dot and _EXTENSION_RE.fullmatch(suffix):
        name = stem
    name = name[: MAX_NAME_LENGTH - len(extension)].strip(" .") or FALLBACK_NAME
    return name + extension


# --- reading ----------------------------------------------------------------------------------


def _read_at_most(uploaded_file, max_bytes: int) -> bytes:
    """Read the file from the start, stopping once `max_bytes` have been read."""
    _rewind(uploaded_file)
    buffer = bytearray()
    read = getattr(uploaded_file, "read", None)
    if callable(read):
        while len(buffer) < max_bytes:
            chunk = read(max_bytes - len(buffer))
            if not chunk:
                break
            buffer += chunk
    else:
        for chunk in uploaded_file.chunks():
            buffer += chunk[: max_bytes - len(buffer)]
            if len(buffer) >= max_bytes:
                break
    _rewind(uploaded_file)
    return bytes(buffer)


def _rewind(uploaded_file) -> None:
    seek = getattr(uploaded_file, "seek", None)
    if callable(seek):
        with suppress(OSError, ValueError):
            seek(0)


# --- deciding the type ------------------------------------------------------------------------


def _check_content(data: bytes, name: str) -> tuple[_Kind, bytes]:
    if data.startswith(b"%PDF-"):
        return PDF, _check_pdf(data, name)
    if data.startswith(b"PK\x03\x04"):
        return _check_zip_document(data, name), data
    if data.startswith(_OLE_MAGIC):
        raise _legacy_office(data, name)
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG, _clean_image(data, JPEG, name)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG, _clean_image(data, PNG, name)
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF, _clean_image(data, GIF, name)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP, _clean_image(data, WEBP, name)
    raise ValidationError(
        "“%(name)s” is not a file type Capable accepts. Attach a %(accepted)s file.",
        code="unsupported_type",
        params={"name": name, "accepted": ACCEPTED_DESCRIPTION},
    )


def _check_pdf(data: bytes, name: str) -> bytes:
    if b"%%EOF" not in data[-2048:]:
        raise _damaged(name, PDF)
    try:
        found = pdf_active_content(data)
    except TooLarge:
        raise ValidationError(
            "“%(name)s” expands to far more data than a document normally holds, so Capable "
            "cannot check it safely. Print it to a new PDF and attach that instead.",
            code="unsafe_archive",
            params={"name": name},
        ) from None
    if found == "encrypted":
        raise ValidationError(
            "“%(name)s” is protected with a password, so Capable cannot check it. Save a copy "
            "without the password and attach that instead.",
            code="encrypted",
            params={"name": name},
        )
    if found:
        raise ValidationError(
            "“%(name)s” contains %(what)s, which Capable does not accept because it can run "
            "code or open other files. Print it to a new PDF (or save it again without them) "
            "and attach that instead.",
            code="active_content",
            params={"name": name, "what": found},
        )
    return data


def _check_zip_document(data: bytes, name: str) -> _Kind:
    """A .docx, .xlsx, .pptx, .odt or .ods file: checked, never extracted."""
    try:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise zipfile.BadZipFile
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ValidationError(
            "“%(name)s” could not be opened; it may be damaged or incomplete. "
            "Save it again and attach the new copy.",
            code="damaged",
            params={"name": name},
        ) from None

    with archive:
        members = archive.infolist()
        _refuse_zip_bomb(members, name)
        names = {member.filename for member in members}
        kind = _zip_document_kind(archive, names, name)
        if len({member.filename.lower() for member in members}) != len(members):
            # Two parts of the same name: which one an application reads is anyone's guess.
            raise _damaged(name, kind)
        try:
            intact = archive.testzip() is None
        except Exception:  # any failure to decompress untrusted data means "damaged"
            intact = False
        if not intact:
            raise _damaged(name, kind)
        if kind in (ODT, ODS):
            found = MACROS if _odf_has_macros(names) else None
        else:
            try:
                found = office_active_content(archive, members)
            except Unreadable:
                raise _damaged(name, kind) from None
        if found is None and has_ole_part(archive, members):
            found = ACTIVE
        if found == MACROS:
            raise ValidationError(
                "“%(name)s” contains macros, which Capable does not accept because they can run "
                "code. Save it as %(save_as)s without macros, or as a PDF, and attach it again.",
                code="macros",
                params={"name": name, "save_as": kind.save_as},
            )
        if found == ACTIVE:
            raise ValidationError(
                "“%(name)s” contains embedded objects or links to content outside the file (such "
                "as a remote template), which Capable does not accept because they can run code. "
                "Remove them, or save it as a PDF, and attach it again.",
                code="active_content",
                params={"name": name},
            )
    return kind


def _refuse_zip_bomb(members: list[zipfile.ZipInfo], name: str) -> None:
    total = 0
    suspicious = len(members) > MAX_ARCHIVE_MEMBERS
    for member in members:
        total += member.file_size
        if member.file_size > COMPRESSION_RATIO_APPLIES_FROM_BYTES and (
            member.compress_size <= 0
            or member.file_size / member.compress_size > MAX_COMPRESSION_RATIO
        ):
            suspicious = True
    if suspicious or total > MAX_ARCHIVE_UNCOMPRESSED_BYTES:
        raise ValidationError(
            "“%(name)s” expands to far more data than a document normally holds, so Capable "
            "cannot check it safely. Save it again, or save it as a PDF, and attach it again.",
            code="unsafe_archive",
            params={"name": name},
        )


def _zip_document_kind(archive: zipfile.ZipFile, names: set[str], name: str) -> _Kind:
    if "mimetype" in names:
        try:
            with archive.open("mimetype") as member:
                mimetype = member.read(100).strip()
        except Exception:  # any failure to decompress untrusted data means "damaged"
            mimetype = b""
        if mimetype in _ODF_MIMETYPES:
            return _ODF_MIMETYPES[mimetype]
    else:
        for main_part, kind in _OOXML_MAIN_PARTS:
            if main_part in names:
                if "[Content_Types].xml" not in names:
                    raise _damaged(name, kind)
                return kind
    raise ValidationError(
        "“%(name)s” is not a file type Capable accepts. Attach a %(accepted)s file.",
        code="unsupported_type",
        params={"name": name, "accepted": ACCEPTED_DESCRIPTION},
    )


def _odf_has_macros(names: set[str]) -> bool:
    for member_name in names:
        if member_name.startswith("Scripts/") and not member_name.endswith("/"):
            return True
        if (
            member_name.startswith("Basic/")
            and not member_name.endswith("/")
            and member_name.rsplit("/", 1)[-1] not in _ODF_BASIC_INDEX_FILES
        ):
            return True
    return False


# --- images -----------------------------------------------------------------------------------

_truncation_lock = threading.Lock()
_truncation_users = 0
_truncation_saved = False


@contextmanager
def _truncated_images_refused() -> Iterator[None]:
    """Make Pillow refuse truncated images even if something set LOAD_TRUNCATED_IMAGES.

    The flag is global to Pillow, so it is switched off while any check is decoding and put back
    when the last one finishes (concurrent checks share one switch instead of racing).
    """
    global _truncation_users, _truncation_saved
    with _truncation_lock:
        if _truncation_users == 0:
            _truncation_saved = ImageFile.LOAD_TRUNCATED_IMAGES
        _truncation_users += 1
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        with _truncation_lock:
            _truncation_users -= 1
            if _truncation_users == 0:
                ImageFile.LOAD_TRUNCATED_IMAGES = _truncation_saved


def _clean_image(data: bytes, kind: _Kind, name: str) -> bytes:
    """Decode the whole image and re-encode only its pixels.

    Animated GIF and WebP images (and animated PNGs) are flattened to their first frame.
    """
    try:
        with _truncated_images_refused(), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind.pil_format]) as image:
                _refuse_too_many_pixels(image.size, name)
                image.verify()
            with Image.open(io.BytesIO(data), formats=[kind.pil_format]) as image:
                image.load()
                return _reencode(image, kind)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "“%(name)s” has too many pixels; the largest image you can attach is %(limit)s "
            "megapixels. Make it smaller and attach it again.",
            code="image_too_large",
            params={"name": name, "limit": _megapixels(MAX_IMAGE_PIXELS)},
        ) from None
    except Exception:  # decoders fail on damaged data in many different ways
        raise _damaged(name, kind) from None


def _refuse_too_many_pixels(size: tuple[int, int], name: str) -> None:
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            "“%(name)s” is %(width)s by %(height)s pixels (%(pixels)s megapixels); the largest "
            "image you can attach is %(limit)s megapixels. Make it smaller and attach it again.",
            code="image_too_large",
            params={
                "name": name,
                "width": f"{width:,}",
                "height": f"{height:,}",
                "pixels": _megapixels(width * height),
                "limit": _megapixels(MAX_IMAGE_PIXELS),
            },
        )


def _reencode(image: Image.Image, kind: _Kind) -> bytes:
    transparency = image.info.get("transparency")
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:  # unreadable EXIF: keep the pixels as they are rather than refuse
        upright = image.copy()
    icc_profile = image.info.get("icc_profile")
    # A plain copy is a new Image.Image: no plugin attributes, no cached EXIF; clearing info
    # drops EXIF, XMP, ICC, comments, text chunks and everything else Pillow read.
    pixels = upright.copy()
    pixels.info = {}
    if icc_profile and pixels.mode in ("RGB", "RGBA", "CMYK"):
        pixels = _to_srgb(pixels, icc_profile)

    options: dict = {}
    if kind is JPEG:
        if pixels.mode not in ("L", "RGB"):
            pixels = pixels.convert("RGB")
        options["quality"] = 90
    elif kind is WEBP:
        if pixels.mode not in ("RGB", "RGBA"):
            pixels = pixels.convert("RGBA" if "A" in pixels.getbands() else "RGB")
        options["quality"] = 90
    elif transparency is not None and pixels.mode in ("P", "L", "RGB", "1"):
        options["transparency"] = transparency

    output = io.BytesIO()
    pixels.save(output, format=kind.pil_format, **options)
    return output.getvalue()


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """Convert to sRGB so that colours survive dropping the profile (or keep them if we can't)."""
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)),
            ImageCms.createProfile("sRGB"),
            outputMode=output_mode,
        )
    except Exception:  # a broken or unsupported profile: keep the pixels as they are
        return image
    converted.info = {}
    return converted


# --- messages ---------------------------------------------------------------------------------


def _format_size(size: int) -> str:
    if size >= _MB:
        return f"{size / _MB:.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{size} bytes" if size != 1 else "1 byte"


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".removesuffix(".0")


def _too_large(name: str, size: int, limit: int) -> ValidationError:
    size_text, limit_text = _format_size(size), _format_size(limit)
    if size_text == limit_text:  # "10 MB is more than 10 MB" helps nobody
        size_text, limit_text = f"{size:,} bytes", f"{limit:,} bytes"
    return ValidationError(
        "“%(name)s” is %(size)s; the largest file you can attach is %(limit)s.",
        code="too_large",
        params={"name": name, "size": size_text, "limit": limit_text},
    )


def _empty(name: str) -> ValidationError:
    return ValidationError(
        "“%(name)s” is empty. Check that it saved properly and attach it again.",
        code="empty",
        params={"name": name},
    )


def _damaged(name: str, kind: _Kind) -> ValidationError:
    return ValidationError(
        "“%(name)s” looks like %(label)s but could not be read; it may be damaged.",
        code="damaged",
        params={"name": name, "label": kind.label},
    )


def _legacy_office(data: bytes, name: str) -> ValidationError:
    if _OLE_ENCRYPTED_PACKAGE in data:
        return ValidationError(
            "“%(name)s” is protected with a password, so Capable cannot check it. Save a copy "
            "without the password, or save it as a PDF, and attach that instead.",
            code="encrypted",
            params={"name": name},
        )
    return ValidationError(
        "“%(name)s” looks like an older Microsoft Office file (.doc, .xls or .ppt). Capable does "
        "not accept these because they can contain macros and cannot be checked. Open it and "
        "save it as a .docx, .xlsx or .pptx file, or as a PDF, and attach it again.",
        code="legacy_office",
        params={"name": name},
    )
