"""Inventory text made inert for every output format we write.

Inventories come from CMDB exports, catalogs and other people's files: a system or department
name may be `=HYPERLINK(...)`, `<script>`, `![x](https://…)` or a bare URL. Whatever it is, it
must show as the text it is and never become a formula, a script, an image or a link:

- **Spreadsheets (CSV and XLSX)**: OWASP's CSV-injection guidance — a text cell starting with
  `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, which spreadsheet
  programs show as text and never evaluate. Plain numbers (`-1250.00`) are left alone.
- **Markdown** (summary.md, comparison.md, frontier.md, changes.md, diagnosis.md, …): every
  character that CommonMark or GitHub give a meaning to is backslash-escaped, and the bits of
  text GitHub turns into links by themselves (`https://`, `www.`, `user@host`) are broken up.
- **plotly labels**: plotly renders a small HTML subset (`<a href>`, `<b>`, `<br>`) in titles,
  legends and hover text; `<`, `>` and `&` become entities, which plotly shows as typed.
- **HTML**: jinja2's autoescape (report.html) and `html.escape` elsewhere.

Each renderer calls these on inventory text at the point it is interpolated, so the escaping
is in one place and our own markup around it stays intact. Written by hand because no library
escapes text *for* Markdown (they all render it) and the spreadsheet rule is four lines.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

# OWASP: cells beginning with these are interpreted as formulas (or DDE) by spreadsheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

# Characters with a meaning somewhere in CommonMark or GitHub-flavoured Markdown (emphasis,
# code, links and images, raw HTML, entities, tables, strikethrough, math).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")
# At the start of a line these make headings, lists, quotes or rules.
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)](?=\s|$))")
# Text GitHub links by itself (autolinks): a scheme's `://` and `www.` are broken by an escape;
# an e-mail address survives escapes (cmark-gfm joins the text before it looks for `@`), so an
# empty HTML comment, which GitHub shows as nothing, splits it.
_AUTOLINK = re.compile(r"(?<=[A-Za-z]):(?=//)|(?<=\b[wW]{3})\.")
_EMAIL_AT = "@<!-- -->"
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")


def spreadsheet_cell(value: Any) -> Any:
    """A cell value that no spreadsheet evaluates: text starting like a formula gets a `'`."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a CSV or worksheet row through `spreadsheet_cell`."""
    return [spreadsheet_cell(value) for value in values]


class _SafeCsvWriter:
    """`csv.writer` whose rows go through `spreadsheet_row` first."""

    def __init__(self, stream: TextIO):
        self._writer = csv.writer(stream, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(spreadsheet_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def spreadsheet_csv(stream: TextIO) -> _SafeCsvWriter:
    """A CSV writer (`\\n` line ends) that neutralises every text cell it writes."""
    return _SafeCsvWriter(stream)


def markdown_text(value: object) -> str:
    """Inventory text as Markdown that shows exactly what was typed: no markup, no raw HTML,
    no images, no links; line breaks become spaces (one value, one line)."""
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: "\\" + m.group(0), text).replace("@", _EMAIL_AT)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    if marker[-1] in ".)":  # `1.` or `1)`: an ordered list
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def markdown_cell(value: object) -> str:
    """Markdown (already escaped where it holds inventory text) made safe in a table cell."""
    return _UNESCAPED_PIPE.sub(r"\\|", _LINE_BREAKS.sub(" ", str(value))).strip()


def markdown_table(
    headers: Sequence[object], rows: Iterable[Sequence[object]], right: Iterable[int] = ()
) -> list[str]:
    """A GFM table of cells that are already Markdown; columns in `right` right-aligned."""
    aligned = set(right)
    align = ["---:" if i in aligned else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(markdown_cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join(align) + "|")
    lines += ["| " + " | ".join(markdown_cell(v) for v in row) + " |" for row in rows]
    return lines


def plotly_text(value: object) -> str:
    """Inventory text for a plotly title, legend, axis or hover label: shown as typed."""
    return html.escape(_LINE_BREAKS.sub(" ", str(value)), quote=False)


def css_string(value: object) -> str:
    """Inventory text inside a CSS string (`content: "…"`, the marking in a page margin):
    every character but letters, digits and spaces as a CSS escape, so it can neither end
    the string nor the style element."""
    text = _LINE_BREAKS.sub(" ", str(value))
    return "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text)


def html_text(value: object) -> str:
    """Inventory text inside hand-built HTML (outside jinja2's autoescape)."""
    return html.escape(str(value), quote=True)


__all__ = [
    "FORMULA_PREFIXES",
    "css_string",
    "html_text",
    "markdown_cell",
    "markdown_table",
    "markdown_text",
    "plotly_text",
    "spreadsheet_cell",
    "spreadsheet_csv",
    "spreadsheet_row",
]
