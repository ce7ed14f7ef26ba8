"""Import and export of framework versions: 1EdTech CASE 1.1 JSON and Moodle competency CSV."""

from . import case, moodle

__all__ = ["case", "moodle"]
