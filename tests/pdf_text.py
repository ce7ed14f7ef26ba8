"""Reading the text of a PDF made with the core-font fallback (the `core_font` fixture)."""


def literal(text: str) -> bytes:
    """``text`` as fpdf2 writes it in a core-font content stream: latin-1, parens escaped."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("latin-1")
