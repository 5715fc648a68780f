"""Tell which delimiter a CSV file uses: comma, semicolon (European spreadsheets) or tab."""

from __future__ import annotations

#: Delimiters tried, in the order that breaks ties.
DELIMITERS = ",;\t"


def sniff_delimiter(text: str) -> str:
    """The delimiter the header (first line) of ``text`` uses most; a comma on a tie or none.

    Only the header is looked at: cells below may hold any of them (``Doe, J.; Roe, K.``).
    """
    header = text.split("\n", 1)[0]
    return max(DELIMITERS, key=header.count)
