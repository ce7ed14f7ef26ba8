"""Reading the credential out of a baked badge someone uploads to the verification page.

The file is checked the way Capable checks every upload (portfolios.uploads): its type is decided
from its content only (a PNG signature, or SVG text), never from its name or the browser's
content type; it may be at most MAX_BADGE_BYTES; a PNG is decoded in full by Pillow (the PNG
plugin only, truncated images refused, at most portfolios.uploads.MAX_IMAGE_PIXELS pixels) before
its chunks are read; an SVG is read as text and never parsed as XML. Nothing is stored.
"""

import io
import re
import warnings

from django.core.exceptions import ValidationError
from PIL import Image, ImageFile

from portfolios.uploads import MAX_IMAGE_PIXELS

from .baking import PNG_SIGNATURE, NotBaked, extract_png, extract_svg

MAX_BADGE_BYTES = 2 * 1024 * 1024
_SVG_START = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]", re.S)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _read(uploaded_file) -> bytes:
    size = getattr(uploaded_file, "size", None)
    if isinstance(size, int) and size > MAX_BADGE_BYTES:
        raise _refuse("Choose a badge image smaller than 2 MB", "too_large")
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BADGE_BYTES + 1)
    if len(data) > MAX_BADGE_BYTES:
        raise _refuse("Choose a badge image smaller than 2 MB", "too_large")
    if not data:
        raise _refuse("The badge image you chose is empty", "empty")
    return data


def _check_png(data: bytes) -> None:
    """Decode the whole image with Pillow, as portfolio uploads are, or refuse it."""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _refuse("The badge image has too many pixels", "image_too_large")
                image.verify()
            with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("The badge image has too many pixels", "image_too_large") from None
    except Exception:  # decoders fail on damaged data in many different ways
        raise _refuse(
            "The badge image is damaged: choose the PNG as downloaded", "damaged"
        ) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def credential_from_badge(uploaded_file) -> str:
    """The credential (a compact JWS, or JSON) baked into an uploaded PNG or SVG badge; raises
    ValidationError with a message for the person who chose the file."""
    data = _read(uploaded_file)
    try:
        if data.startswith(PNG_SIGNATURE):
            _check_png(data)
            return extract_png(data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = ""
        if _SVG_START.match(text[:4096]):
            return extract_svg(text)
    except NotBaked:
        raise _refuse(
            "The badge image has no credential baked into it: choose the PNG or SVG badge "
            "downloaded from the credential's page",
            "not_baked",
        ) from None
    except UnicodeDecodeError:
        raise _refuse(
            "The badge image is damaged: choose the PNG as downloaded", "damaged"
        ) from None
    raise _refuse("Choose a badge image that is a PNG or an SVG", "unsupported_type")
