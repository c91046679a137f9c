"""Reading actuals/*.yaml and *.csv into plain rows, each path located in its file.

YAML goes through the inventory's safe loader; CSV is read with the csv module, its cells
taken as text, or as plain decimal numbers in numeric columns (anything else there is a
problem at its row, never evaluated). Rows are gathered into a `RawInventory` under
`actuals`, so validation reports `file:line` exactly as for the rest of the inventory.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

from prioritiser.inventory.estate import CAPEX
from prioritiser.inventory.messages import did_you_mean
from prioritiser.inventory.problems import Location, Problem, display_path
from prioritiser.inventory.raw import RawInventory
from prioritiser.inventory.yamlsafe import LoadedYaml, forbidden_character, read_text

SECTION = "actuals"
FOLDER = "actuals"
SUFFIXES = (".yaml", ".yml", ".csv")


def actual_files(root: Path) -> list[Path]:
    """actuals/**/*.yaml, *.yml and *.csv under `root`, sorted (none when there is no folder)."""
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def gather(root: Path) -> RawInventory:
    """Every actuals row as plain data, each path located in its file (one pass).

    Read like the inventory's own files (`RawInventory.read`): a file that links outside
    the inventory is refused, and every YAML file shares one alias-expansion budget."""
    raw = RawInventory(data={SECTION: []}, root=root)
    shown_root = display_path(root)
    for path in actual_files(root):
        shown = f"{shown_root}/{path.relative_to(root).as_posix()}"
        if path.suffix.lower() == ".csv":
            if raw.admit(path, shown):
                _add_csv(raw, path, shown)
        else:
            loaded = raw.read(path, shown)
            if loaded is not None:
                _add_yaml(raw, loaded)
    return raw


def _add_yaml(raw: RawInventory, loaded: LoadedYaml) -> None:
    raw.problems.extend(loaded.problems)
    if loaded.data is None:
        return
    if not isinstance(loaded.data, dict) or set(loaded.data) != {SECTION}:
        raw.problems.append(
            Problem("must be a mapping with one key `actuals:` holding a list", loaded.location(()))
        )
        return
    items = loaded.data[SECTION]
    if items is None:
        return
    if not isinstance(items, list):
        raw.problems.append(Problem("`actuals:` must be a list", loaded.location((SECTION,))))
        return
    rows = raw.data[SECTION]
    offset = len(rows)
    for local, item in enumerate(items):
        rows.append(item)
        raw.shown_as[(SECTION, offset + local)] = f"{SECTION}[{local}]"
    for path, line in loaded.lines.items():
        if len(path) >= 2 and path[0] == SECTION and isinstance(path[1], int):
            raw.locations[(SECTION, offset + path[1], *path[2:])] = Location(loaded.file, line)


COLUMNS = ("system", "period", "status", "spend", "percent_complete", "realised_saving", "note")
NESTED = ("spend", "realised_benefits")  # `spend.capex`, `realised_benefits.HMRC`
NUMERIC = ("spend", "percent_complete", "realised_saving", "realised_benefits")
# A plain decimal number: no thousands separators, underscores, hex, `nan` or `inf`
# (a spreadsheet's `=SUM(...)` is text, never evaluated).
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _add_csv(raw: RawInventory, path: Path, shown: str) -> None:
    """Rows of a CSV file (first row: the column names); a row's line is where it starts."""
    text, problems = read_text(path, shown)
    raw.problems.extend(problems)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return
        columns = _columns(raw, [c.strip() for c in header], Location(shown, 1))
        rows = raw.data[SECTION]
        local = 0
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue  # blank lines between blocks of rows are fine
            position = len(rows)
            raw.shown_as[(SECTION, position)] = f"{SECTION}[{local}]"
            rows.append(_csv_row(raw, columns, cells, (SECTION, position), Location(shown, start)))
            local += 1
    except csv.Error as exc:
        raw.problems.append(Problem(f"invalid CSV: {exc}", Location(shown, reader.line_num or 1)))


def _columns(raw: RawInventory, header: list[str], where: Location) -> list[tuple[str, ...] | None]:
    """Each column as the key path it fills (None: a column reported as unknown)."""
    known = [*COLUMNS, *(f"{n}.<name>" for n in NESTED)]
    seen: set[str] = set()
    out: list[tuple[str, ...] | None] = []
    for name in header:
        head, dot, rest = name.partition(".")
        refused = _refused_text(name)
        if refused:
            raw.problems.append(Problem(f"a column name {refused}", where))
            out.append(None)
        elif name in seen:
            raw.problems.append(Problem(f"column '{name}' appears twice", where, name))
            out.append(None)
        elif (dot and head in NESTED and rest) or (not dot and name in COLUMNS):
            out.append((head, rest) if dot else (name,))
        else:
            hint = did_you_mean(name, [*COLUMNS, *(f"{n}.{CAPEX}" for n in NESTED)])
            raw.problems.append(
                Problem(f"unknown column '{name}'{hint} (columns: {', '.join(known)})", where)
            )
            out.append(None)
        seen.add(name)
    return out


def _csv_row(
    raw: RawInventory,
    columns: list[tuple[str, ...] | None],
    cells: list[str],
    base: tuple[str, int],
    where: Location,
) -> dict[str, Any]:
    if len(cells) > len(columns):
        raw.problems.append(Problem(f"{len(cells)} cells but {len(columns)} columns", where))
    row: dict[str, Any] = {}
    for key, cell in zip(columns, cells, strict=False):
        text = cell.strip()
        if key is None or not text:
            continue  # an empty cell is a field left out
        raw.locations[(*base, *key)] = where
        refused = _refused_text(text)
        if refused:
            raw.problems.append(Problem(f"the cell {refused}", where, raw.display((*base, *key))))
            continue
        value: Any = text
        if key[0] in NUMERIC:
            value = float(text) if _NUMBER.fullmatch(text) else None
            if value is None or not math.isfinite(value):
                shown = text if len(text) <= 40 else text[:37] + "..."
                raw.problems.append(
                    Problem(
                        f"must be a plain finite number like 1250000 or 12.5 (got {shown!r})",
                        where,
                        raw.display((*base, *key)),
                    )
                )
                continue
        if len(key) == 2:
            row.setdefault(key[0], {})[key[1]] = value
        else:
            row[key[0]] = value
    raw.locations[base] = where
    return row


def _refused_text(text: str) -> str:
    """Why a CSV cell's text is refused ('' when it is not): the control and direction
    characters the YAML loader refuses (`yamlsafe.forbidden_character`), in the same words."""
    character = forbidden_character(text)
    if character is None:
        return ""
    what = "a control character" if character < "U+0100" else "a direction override"
    return f"holds {character}, {what}; remove it"
