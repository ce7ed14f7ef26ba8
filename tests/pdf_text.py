"""Reading the text of a PDF made with the core-font fallback (the `core_font` fixture)."""


def literal(text: str) -> bytes:
    """``text`` as fpdf2 writes it in a core-font content stream: latin-1, parens escaped."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("latin-1")


def lines(output: bytes) -> str:
    """The text lines of a core-font PDF's content streams, joined with spaces: a sentence
    wrapped over several lines reads whole again (fpdf2 wraps only at spaces)."""
    import re

    shown = re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", output)
    unescaped = (re.sub(rb"\\(.)", rb"\1", s).decode("latin-1") for s in shown)
    return " ".join(unescaped)
