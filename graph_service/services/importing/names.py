"""Names as the store keeps them: attribute names in lower snake case, ids in the id alphabet.

Analysts' headers (``Faction``, ``Law School``, ``Âge (years)``) are rewritten rather than
refused, and the importer reports every rewrite. Ids that are not in the id alphabet
(``Mr Hi``, as Kumu and Polinode files key their rows by name) are rewritten the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from graph_service.model import ID_PATTERN, PROPERTY_NAME_PATTERN

_MAX_NAME = 40
_ID_RE = re.compile(ID_PATTERN)
_NAME_RE = re.compile(PROPERTY_NAME_PATTERN)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def snake_case(text: str) -> str:
    """``"Law School"`` -> ``"law_school"``, ``"2nd"`` -> ``"a_2nd"``, ``"Âge"`` -> ``"age"``;
    ``""`` when nothing is left."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", _ascii(text).strip())
    text = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if text and not text[0].isalpha():
        text = f"a_{text}"
    return text[:_MAX_NAME].rstrip("_")


def attribute_names(columns: Iterable[str], taken: Iterable[str]) -> dict[str, str]:
    """Map each column to a distinct valid attribute name, avoiding the names in ``taken``
    (the reserved fields); a column whose name is empty or clashes gets a suffix."""
    used = set(taken)
    out: dict[str, str] = {}
    for column in columns:
        base = snake_case(column) or "column"
        name = base if base not in used else f"{base}_attr"
        n = 2
        while name in used or not _NAME_RE.match(name):
            name = f"{base[: _MAX_NAME - 4]}_{n}"
            n += 1
        used.add(name)
        out[column] = name
    return out


def node_id(raw: object) -> str:
    """An id in the id alphabet: kept when it is one, else its letters and digits joined by
    ``-`` (``"Mr Hi"`` -> ``"Mr-Hi"``); ``""`` when nothing is left. Whole-number floats (as
    spreadsheets store ids) lose their ``.0``."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip() if raw is not None else ""
    if _ID_RE.match(text) or not text:
        return text
    slug = re.sub(r"[^A-Za-z0-9_.:@\-]+", "-", _ascii(text)).strip("-_.:@")
    return slug[:128]
