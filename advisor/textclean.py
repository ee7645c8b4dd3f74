"""Removing characters that carry no words from text as it arrives (questions, history,
documents).

Format characters (zero-width spaces and joiners, bidi marks, the BOM, soft hyphens), controls
(NUL included) and lone surrogates (bytes that were not UTF-8) are invisible or unprintable:
left in, they split a role name ("AP\u200bM"), make an empty question look like text, or crash
code that encodes the text. Newlines and tabs are layout and stay.
"""

import unicodedata

_KEPT_CONTROLS = {"\n", "\t"}
_INVISIBLE = {"Cf", "Cc", "Cs"}


def clean_text(text: str) -> str:
    """The text without invisible and control characters; newlines and tabs are kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # The common case, nothing to remove, decided in C: a document has newlines, which are not
    # "printable", and testing its characters one by one in Python was a tenth of reading it.
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return "".join(
        c for c in text if c in _KEPT_CONTROLS or unicodedata.category(c) not in _INVISIBLE
    )
