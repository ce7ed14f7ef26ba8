"""A baked badge: an SVG image with the signed credential inside, per Open Badges 3.0 baking
(an `openbadges:credential` element, namespace https://purl.imsglobal.org/ob/v3p0, holding the
compact JWS), so the image alone can be verified."""

from django.utils.html import escape

NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


def baked_svg(*, name: str, issuer: str, jwt: str) -> str:
    title = escape(name)
    by = escape(issuer)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{NAMESPACE}" width="300" height="300" viewBox="0 0 300 300" role="img" aria-labelledby="badge-title">
  <openbadges:credential><![CDATA[{jwt}]]></openbadges:credential>
  <title id="badge-title">{title}, issued by {by}</title>
  <circle cx="150" cy="150" r="140" fill="#1d70b8"/>
  <circle cx="150" cy="150" r="120" fill="#ffffff"/>
  <text x="150" y="140" font-family="Arial, sans-serif" font-size="16" text-anchor="middle" fill="#0b0c0c">{title[:40]}</text>
  <text x="150" y="175" font-family="Arial, sans-serif" font-size="12" text-anchor="middle" fill="#505a5f">{by[:45]}</text>
</svg>
"""


def extract(svg: str) -> str:
    """The credential baked into an SVG (for tests and the verification page)."""
    start = svg.index("<openbadges:credential>") + len("<openbadges:credential>")
    end = svg.index("</openbadges:credential>", start)
    return svg[start:end].replace("<![CDATA[", "").replace("]]>", "").strip()
