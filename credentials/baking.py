"""Baked badges (Open Badges 3.0, "Baked Badge"): an image with the signed credential inside, so
the image alone can be verified.

- PNG: one `iTXt` chunk with the keyword `openbadgecredential`, uncompressed, whose text is the
  compact JWS (Pillow's PngInfo.add_itxt writes it; reading walks the chunks itself and stops at
  the first such chunk, as the spec says).
- SVG: an `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` declaration and, directly
  after the `<svg>` tag, `<openbadges:credential verify="<compact JWS>">`. A credential with an
  embedded proof would instead be JSON in a CDATA body; `extract_svg` reads both.

Extraction never parses XML (no entities, no external references): it looks for the first
`<openbadges:credential` tag in the text.
"""

import html
import io
import re
import struct
import zlib

from django.utils.html import escape
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
PNG_KEYWORD = "openbadgecredential"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SIZE = 300
BLUE, WHITE, BLACK, GREY = (29, 112, 184), (255, 255, 255), (11, 12, 12), (80, 90, 95)


class NotBaked(ValueError):
    """The image holds no credential."""


def baked_svg(*, name: str, issuer: str, jwt: str) -> str:
    title = escape(name)
    by = escape(issuer)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{NAMESPACE}" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" role="img" aria-labelledby="badge-title">
  <openbadges:credential verify="{escape(jwt)}"></openbadges:credential>
  <title id="badge-title">{title}, issued by {by}</title>
  <circle cx="150" cy="150" r="140" fill="#1d70b8"/>
  <circle cx="150" cy="150" r="120" fill="#ffffff"/>
  <text x="150" y="140" font-family="Arial, sans-serif" font-size="16" text-anchor="middle" fill="#0b0c0c">{title[:40]}</text>
  <text x="150" y="175" font-family="Arial, sans-serif" font-size="12" text-anchor="middle" fill="#505a5f">{by[:45]}</text>
</svg>
"""


_SVG_TAG = re.compile(r"<openbadges:credential\b([^>]*?)(/>|>(.*?)</openbadges:credential>)", re.S)
_VERIFY = re.compile(r"""\bverify\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def extract_svg(svg: str) -> str:
    """The credential baked into an SVG: the `verify` attribute (a compact JWS), else the tag's
    body (JSON, in CDATA). Raises NotBaked when there is none."""
    match = _SVG_TAG.search(svg)
    if match is None:
        raise NotBaked("The SVG has no openbadges:credential element.")
    verify = _VERIFY.search(match[1])
    if verify is not None:
        return html.unescape(verify[1] if verify[1] is not None else verify[2]).strip()
    body = (match[3] or "").strip()
    if body.startswith("<![CDATA[") and body.endswith("]]>"):
        body = body[len("<![CDATA[") : -len("]]>")]
    if not body.strip():
        raise NotBaked("The SVG's openbadges:credential element is empty.")
    return body.strip()


# Kept for callers that baked with the old name.
extract = extract_svg


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # a Pillow without scalable default font
        return ImageFont.load_default()


def baked_png(*, name: str, issuer: str, jwt: str) -> bytes:
    image = Image.new("RGB", (SIZE, SIZE), WHITE)
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), fill=BLUE)
    draw.ellipse((30, 30, SIZE - 30, SIZE - 30), fill=WHITE)
    draw.text((SIZE / 2, 140), name[:32], fill=BLACK, font=_font(16), anchor="mm")
    draw.text((SIZE / 2, 175), issuer[:40], fill=GREY, font=_font(12), anchor="mm")
    info = PngInfo()
    info.add_itxt(PNG_KEYWORD, jwt, lang="", tkey="", zip=False)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def extract_png(data: bytes) -> str:
    """The text of the first `iTXt` chunk keyed `openbadgecredential`. Raises NotBaked."""
    if not data.startswith(PNG_SIGNATURE):
        raise NotBaked("Not a PNG image.")
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if len(body) < length:
            break
        if kind == b"iTXt":
            keyword, _, rest = body.partition(b"\0")
            if keyword == PNG_KEYWORD.encode("latin-1") and len(rest) >= 2:
                compressed, rest = rest[0], rest[2:]
                _language, _, rest = rest.partition(b"\0")
                _translated, _, text = rest.partition(b"\0")
                if compressed:  # the spec forbids it; read it all the same
                    text = zlib.decompressobj().decompress(text, 1024 * 1024)
                return text.decode("utf-8").strip()
        if kind == b"IEND":
            break
        position += 12 + length
    raise NotBaked("The PNG has no openbadgecredential chunk.")
