"""The one error the importers raise for a file they cannot take."""


class InterchangeError(ValueError):
    """A file that cannot be imported (or a version that cannot be exported).

    The message names where the problem is and which field, so a person can fix the file, e.g.
    "CFItems[12] (identifier …): fullStatement is missing" or
    "Row 14, column 'Parent ID number': no competency with ID number '7.ASYE' above this row".
    """
