"""Text tables as analysts save them: the encoding and the delimiter found, errors in one line.

Used by every reader of delimited text (the importer and ``graph-service analyze``), so
that the same file reads the same way through every door.

- **Encoding**: a byte-order mark decides (UTF-8, UTF-16); otherwise the text is UTF-8
  when it decodes as UTF-8, else Windows-1252 (what Excel on Windows writes, a superset
  of Latin-1's printable characters), else Latin-1 (which decodes any byte). A forced
  encoding that does not fit is one error naming the byte, its line and the encoding.
- **Delimiter**: the one of ``,`` ``;`` tab ``|`` that splits the header line into the
  most columns and every one of the first lines into the same number (``csv.Sniffer``
  restricted to those four); a single-column file reads with a comma.
- **Formulas**: a cell that a spreadsheet would run as a formula (it begins with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe
  (OWASP, "CSV injection"); numbers are left alone. Reading removes that apostrophe again,
  so an export imports back unchanged.
- **Limits**: a field longer than :data:`FIELD_LIMIT` or a stray carriage return in an
  unquoted field is an error naming the line, never a crash.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from graph_service.errors import Invalid

#: Python's csv default (128 KiB): a longer cell is an error naming its line.
FIELD_LIMIT = 128 * 1024
DELIMITERS = ",;\t|"
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise_cell(text: str) -> str:
    """``'=1+1`` for ``=1+1``: the cell a spreadsheet shows as text (numbers unchanged)."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return f"'{text}"
    return text


def restore_cell(text: str) -> str:
    """The inverse of :func:`neutralise_cell`, applied to every cell read."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


@dataclass
class Table:
    """A delimited text file read whole: its header and its rows with their line numbers."""

    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    ragged: list[int] = field(default_factory=list)  # lines with more cells than columns

    @property
    def delimiter_name(self) -> str:
        return _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_text(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """``(text, encoding used)``; ``encoding`` forces one (an error if it does not fit)."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise Invalid(f"{name}: unknown encoding {encoding!r}") from None
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except UnicodeDecodeError as exc:
            byte = data[exc.start : exc.start + 1].hex()
            raise Invalid(
                f"{name} is not {encoding}: byte 0x{byte} at line {_line_of(data, exc.start)} "
                f"(offset {exc.start}) does not decode; leave --encoding out to detect it"
            ) from None
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="strict").removeprefix("\ufeff"), codec
    for codec in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def sniff_delimiter(text: str) -> str:
    """The delimiter of a table (see the module docstring)."""
    sample = "\n".join(text.splitlines()[:20])
    header = sample.split("\n", 1)[0]
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = None
    if found and header.count(found) > 0:
        return found
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_table(
    data: bytes,
    name: str,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Table:
    """Read a delimited table with a header row (see the module docstring).

    Raises :class:`Invalid` for an empty file, a header without columns, a forced encoding
    that does not fit, an over-long field or a stray carriage return (with the line).
    """
    text, used = decode_text(data, name, encoding)
    if not text.strip():
        raise Invalid(f"{name} is empty")
    delim = delimiter or sniff_delimiter(text)
    csv.field_size_limit(FIELD_LIMIT)
    # lines split on "\n" only, so a carriage return inside an unquoted field is an error
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    table = Table(name=name, header=[], encoding=used, delimiter=delim)
    try:
        header = next(reader, [])
        table.header = [h.strip() for h in header]
        if not any(table.header):
            raise Invalid(f"{name}: the first line (the header) names no column")
        twice = sorted({h for h in table.header if h and table.header.count(h) > 1})
        if twice:
            raise Invalid(f"{name}: column(s) {', '.join(twice)} appear twice in the header")
        width = len(table.header)
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue  # blank lines
            if len(cells) > width:
                table.ragged.append(reader.line_num)
            row = {
                h: restore_cell(cells[i].strip()) if i < len(cells) else ""
                for i, h in enumerate(header)
            }
            table.rows.append((reader.line_num, {k.strip(): v for k, v in row.items()}))
    except csv.Error as exc:
        line = reader.line_num
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = f"a field is longer than {FIELD_LIMIT // 1024} KiB"
        elif "new-line character" in reason:
            reason = (
                "a line break inside an unquoted field "
                "(quote the field, or remove the stray carriage return)"
            )
        raise Invalid(f"{name} line {line}: {reason}") from None
    return table
