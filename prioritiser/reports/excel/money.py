"""The money sheets: phasing by period and by year, people by period, capacity and headroom,
cash by year. Phasing cells are numbers (an analyst may edit them: they are shaded); every
total, every year, use, headroom and cumulative figure is a formula over them.

Rows of "Money by period" and "Money by year" are the same items in the same order, so a
year's cell sums its own row's periods. Totals per resource are `SUMIF`s on the resource
column, so a workbook with several money resources (capex, rdel) adds each up on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.worksheet.worksheet import Worksheet

from prioritiser.reports.analysis import Analysis
from prioritiser.reports.board import Board, Phasing
from prioritiser.reports.excel.cells import (
    Book,
    Column,
    col,
    mark_inputs,
    table,
    unit_format,
)

MONEY_PERIOD = "Money by period"
MONEY_YEAR = "Money by year"
PEOPLE = "People by period"
CAPACITY = "Capacity"
CASH = "Cash by year"
FIRST = 5  # first period (or year) column: Item, Name, Department, Resource come first


def literal(text: str) -> str:
    """Inventory text as an Excel string literal: quoted, its quotes doubled, so it can never
    end the literal and become part of the formula."""
    return '"' + text.replace('"', '""') + '"'


@dataclass
class Footers:
    """Where each resource's per-column totals are: sheet title, row per resource."""

    sheet: str
    rows: dict[str, int] = field(default_factory=dict)
    first: int = FIRST


def _item_columns() -> list[Column]:
    return [
        Column("Item", width=24),
        Column("Name", width=36, wrap=True),
        Column("Department", width=14),
        Column("Resource", width=16),
    ]


def _phasing_sheet(
    book: Book,
    sheet: Worksheet,
    rows: list[Phasing],
    labels: list[str],
    fmt: str,
    total_title: str,
    total_fmt: str,
) -> Footers:
    """Items × periods of numbers, a Total column, then one SUMIF total row per resource."""
    columns = [
        *_item_columns(),
        *[Column(label, fmt, 11) for label in labels],
        Column(total_title, total_fmt, 14),
    ]
    data = [[p.item, p.name, p.department, p.resource, *p.by_period] for p in rows]
    last = table(sheet, columns, data, freeze=f"{col(FIRST)}2")
    total_col = FIRST + len(labels)
    for r in range(2, last + 1):
        book.formula(
            sheet, r, total_col, f"=SUM({col(FIRST)}{r}:{col(total_col - 1)}{r})", total_fmt
        )
    if last > 1:
        mark_inputs(sheet, 2, last, FIRST, total_col - 1)
    footers = Footers(sheet.title)
    row = last + 1
    for resource in sorted({p.resource for p in rows}):
        formulas = {
            c: f"=SUMIF($D$2:$D${max(last, 2)},{literal(resource)},{col(c)}$2:{col(c)}${max(last, 2)})"
            for c in range(FIRST, total_col + 1)
        }
        formats = {c: fmt for c in range(FIRST, total_col)} | {total_col: total_fmt}
        book.total_row(sheet, row, f"Total {resource}", formulas, formats)
        footers.rows[resource] = row
        row += 1
    return footers


def money_by_period(book: Book, a: Analysis, board: Board, money: str) -> Footers:
    sheet = book.workbook.create_sheet(MONEY_PERIOD)
    return _phasing_sheet(book, sheet, _ordered(board.phasing, a), a.periods, money, "Total", money)


def money_by_year(
    book: Book, a: Analysis, board: Board, money: str, caps: dict[str, dict[str, float]]
) -> Footers:
    """The same items by year: each cell sums its row's periods of that year (formulas);
    then per money resource its total, its `per_year` cap (an input) and the headroom."""
    sheet = book.workbook.create_sheet(MONEY_YEAR)
    years = list(board.years.horizon)
    rows = _ordered(board.phasing, a)
    columns = [
        *_item_columns(),
        *[Column(label, money, 12) for label in years],
        Column("Total", money, 14),
    ]
    data = [[p.item, p.name, p.department, p.resource] for p in rows]
    last = table(sheet, columns, data, freeze=f"{col(FIRST)}2")
    for r in range(2, last + 1):
        for y in range(len(years)):
            periods = board.years.periods_in(y)
            first, final = col(FIRST + periods[0]), col(FIRST + periods[-1])
            book.formula(
                sheet, r, FIRST + y, f"=SUM('{MONEY_PERIOD}'!{first}{r}:{final}{r})", money
            )
        total_col = FIRST + len(years)
        book.formula(sheet, r, total_col, f"=SUM({col(FIRST)}{r}:{col(total_col - 1)}{r})", money)
    footers = Footers(sheet.title)
    row = last + 1
    total_col = FIRST + len(years)
    for resource in sorted({p.resource for p in rows}):
        formulas = {
            c: f"=SUMIF($D$2:$D${max(last, 2)},{literal(resource)},{col(c)}$2:{col(c)}${max(last, 2)})"
            for c in range(FIRST, total_col + 1)
        }
        book.total_row(
            sheet,
            row,
            f"Total {resource}",
            formulas,
            dict.fromkeys(range(FIRST, total_col + 1), money),
        )
        footers.rows[resource] = row
        row += 1
    for resource, by_year in sorted(caps.items()):
        if resource not in footers.rows:
            continue
        total = footers.rows[resource]
        sheet.cell(row=row, column=1, value=f"Cap {resource} (per_year)")
        room: dict[int, str] = {}
        for y, label in enumerate(years):
            if label in by_year:
                cell = sheet.cell(row=row, column=FIRST + y, value=by_year[label])
                cell.number_format = money
                mark_inputs(sheet, row, row, FIRST + y, FIRST + y)
                room[FIRST + y] = f"={col(FIRST + y)}{row}-{col(FIRST + y)}{total}"
        book.total_row(sheet, row + 1, f"Headroom {resource}", room, dict.fromkeys(room, money))
        row += 2
    return footers


def people_by_period(book: Book, a: Analysis, board: Board) -> Footers | None:
    if not board.people:
        return None
    sheet = book.workbook.create_sheet(PEOPLE)
    unit = _common_unit(board.people)
    noun = a.period_noun
    return _phasing_sheet(
        book,
        sheet,
        _ordered(board.people, a),
        a.periods,
        unit_format(unit),
        f"Total ({unit}-{noun}s)",
        unit_format(f"{unit}-{noun}s"),
    )


def _common_unit(rows: list[Phasing]) -> str:
    units = {p.unit for p in rows}
    return units.pop() if len(units) == 1 else "units"


def _ordered(rows: list[Phasing], a: Analysis) -> list[Phasing]:
    """Systems as the reports list them, then platforms; one row per item and resource."""
    order = {r.system: i for i, r in enumerate(a.systems)}
    return sorted(rows, key=lambda p: (order.get(p.item, len(order)), p.item, p.resource))


def capacity(
    book: Book,
    a: Analysis,
    money: str,
    money_resources: set[str],
    spend: Footers,
    people: Footers | None,
) -> None:
    """Per period and resource: use (formulas over the phasing totals), capacity (numbers
    an analyst may change), headroom (formulas); then the horizon: use, the sum of the
    per-period capacities, the cap on the total, what is available (the smaller) and the
    headroom left. People are counted per period (FTE) and over the horizon in
    FTE-periods (FTE-quarters: one person for one quarter)."""
    sheet = book.workbook.create_sheet(CAPACITY)
    noun = a.period_noun
    columns = [Column("Period", width=12)]
    layout: list[tuple[str, bool, str, str]] = []  # resource, money, per-period fmt, total fmt
    for row in a.resources:
        is_money = row.name in money_resources
        fmt = money if is_money else unit_format(row.unit or "units")
        total_fmt = money if is_money else unit_format(f"{row.unit or 'unit'}-{noun}s")
        unit = f" ({row.unit})" if row.unit else ""
        columns += [
            Column(f"{row.name} use{unit}", fmt, 15),
            Column(f"{row.name} capacity{unit}", fmt, 15),
            Column(f"{row.name} headroom{unit}", fmt, 15),
        ]
        layout.append((row.name, is_money, fmt, total_fmt))
    data: list[list[object]] = []
    for t, label in enumerate(a.periods):
        values: list[object] = [label]
        for row in a.resources:
            values += [None, row.capacity[t], None]
        data.append(values)
    last = table(sheet, columns, data, freeze="B2")
    for i, (name, is_money, fmt, _) in enumerate(layout):
        use_col, cap_col, room_col = 2 + 3 * i, 3 + 3 * i, 4 + 3 * i
        source = spend if is_money else people
        for t in range(len(a.periods)):
            r = 2 + t
            ref = "0"
            if source is not None and name in source.rows:
                ref = f"'{source.sheet}'!{col(source.first + t)}{source.rows[name]}"
            book.formula(sheet, r, use_col, f"={ref}", fmt)
            book.formula(sheet, r, room_col, f"={col(cap_col)}{r}-{col(use_col)}{r}", fmt)
        mark_inputs(sheet, 2, last, cap_col, cap_col)
    _horizon_rows(book, sheet, a, layout, last)


def _horizon_rows(
    book: Book, sheet: Worksheet, a: Analysis, layout: list[tuple[str, bool, str, str]], last: int
) -> None:
    used, summed, cap, available, room = (last + k for k in range(1, 6))
    labels = {
        used: "Used over the horizon",
        summed: "Sum of per-period capacity",
        cap: "Cap on the total",
        available: "Available over the horizon",
        room: "Headroom over the horizon",
    }
    cells: dict[int, dict[int, str]] = {r: {} for r in labels}
    formats: dict[int, str] = {}
    caps = {row.name: row.total_cap for row in a.resources}
    for i, (name, _, _, total_fmt) in enumerate(layout):
        use_col, cap_col = 2 + 3 * i, 3 + 3 * i
        u, c = col(use_col), col(cap_col)
        cells[used][use_col] = f"=SUM({u}2:{u}{last})"
        cells[summed][cap_col] = f"=SUM({c}2:{c}{last})"
        total = caps.get(name)
        if total is not None:
            cells[available][cap_col] = f"=MIN({c}{summed},{c}{cap})"
        else:
            cells[available][cap_col] = f"={c}{summed}"
        cells[room][cap_col] = f"={c}{available}-{u}{used}"
        formats[use_col] = formats[cap_col] = total_fmt
    for row, label in labels.items():
        book.total_row(sheet, row, label, cells[row], formats)
    for i, (name, _, _, total_fmt) in enumerate(layout):
        total = caps.get(name)
        cell = sheet.cell(row=cap, column=3 + 3 * i, value=total if total is not None else "none")
        cell.number_format = total_fmt
        if total is not None:
            mark_inputs(sheet, cap, cap, 3 + 3 * i, 3 + 3 * i)


def cash_by_year(book: Book, a: Analysis, board: Board, money: str, years: Footers) -> None:
    """Per year: one-off spend (formulas over "Money by year"), cashable savings (numbers,
    undiscounted), net and cumulative net (formulas)."""
    sheet = book.workbook.create_sheet(CASH)
    cash = board.cash_by_year()
    labels = [label for label, _, _ in cash]
    horizon = len(board.years.horizon)
    savings = [v for _, _, v in cash]
    columns = [
        Column("Financial year", width=14),
        Column("One-off spend", money, 15),
        Column("Cashable savings", money, 16),
        Column("Net", money, 14),
        Column("Cumulative net", money, 16),
    ]
    data = [[label, None, round(savings[i], 2), None, None] for i, label in enumerate(labels)]
    last = table(sheet, columns, data)
    for i in range(len(labels)):
        r = 2 + i
        if i < horizon and years.rows:
            parts = [f"'{years.sheet}'!{col(years.first + i)}{row}" for row in years.rows.values()]
            book.formula(sheet, r, 2, "=" + "+".join(parts), money)
        else:
            sheet.cell(row=r, column=2, value=0.0).number_format = money
        book.formula(sheet, r, 4, f"=C{r}-B{r}", money)
        previous = f"E{r - 1}+" if i else ""
        book.formula(sheet, r, 5, f"={previous}D{r}", money)
    mark_inputs(sheet, 2, last, 3, 3)
    book.total_row(
        sheet,
        last + 1,
        "Total",
        {2: f"=SUM(B2:B{last})", 3: f"=SUM(C2:C{last})", 4: f"=SUM(D2:D{last})"},
        {2: money, 3: money, 4: money},
    )
