"""`roadmap.xlsx`: the finance workbook — one table per sheet, money as numbers, totals and
headroom as formulas, print-ready, and identical bytes for identical inputs.

Sheets, in order: Cover (governance, how to read the workbook), Roadmap, Business cases,
Options considered, Money by period, Money by year, People by period, Capacity, Cash by
year, Benefits by department, Value across departments, Retained, then the board pack's
evidence when it was computed (Levers, Largest risk left, Uncertainty, Scenarios), and
Assumptions. Cells that hold inventory text are neutralised (never a formula); the formulas
are only those this module writes.
"""

from __future__ import annotations

from prioritiser.inventory import Inventory
from prioritiser.reports.analysis import Analysis
from prioritiser.reports.board import Board, board_figures
from prioritiser.reports.excel import money as money_sheets
from prioritiser.reports.excel import tables
from prioritiser.reports.excel.cells import (
    ZIP_TIME,
    Book,
    legacy_table,
    money_format,
    print_setup,
    save,
)
from prioritiser.reports.excel_appraisal import SHEETS as APPRAISAL_SHEETS
from prioritiser.reports.excel_appraisal import appraisal_sheets
from prioritiser.reports.paper import paper_of
from prioritiser.roadmap import Roadmap

SHEET_NOTES = {
    "Roadmap": "one row per modernised system and platform set-up, with totals",
    "Business cases": "every system: decision, figures, reasons, price of forcing it",
    "Options considered": "every option at its best start, doing nothing included",
    money_sheets.MONEY_PERIOD: "one-off money per system and period (inputs) and totals",
    money_sheets.MONEY_YEAR: "the same by year (formulas over the periods)",
    money_sheets.PEOPLE: "people per system and period (FTE)",
    money_sheets.CAPACITY: "use, capacity and headroom per period and over the horizon",
    money_sheets.CASH: "in-year one-off spend and cashable savings by financial year, net and cumulative",
    "Benefits by department": "who pays and who benefits (present values)",
    "Value across departments": "value landing outside the paying department",
    "Retained": "systems kept as they are, and why",
    "Levers": "what one more unit of each limit is worth (re-solves)",
    "Largest risk left": "the cheapest ways to close it (re-solves)",
    "Uncertainty": "P10, P50 and P90 of the planned NPV",
    "Scenarios": "each scenario planned on its own, against this roadmap",
    APPRAISAL_SHEETS[0]: "NPV, cash-only NPV, benefit–cost ratio, the value split",
    APPRAISAL_SHEETS[1]: "one-off money per money resource and financial year, against caps",
    APPRAISAL_SHEETS[2]: "what the roadmap leaves running past end of support, its exposure",
    APPRAISAL_SHEETS[3]: "each decision's duration and cost, before and after optimism bias",
    "Assumptions": "settings, resources, risk appetite, the solver's proof",
}


def render_xlsx(inventory: Inventory, roadmap: Roadmap, analysis: Analysis) -> bytes:
    """The whole workbook as bytes (identical bytes for identical inputs)."""
    a = analysis
    board = a.board or board_figures(inventory, roadmap, paper_of(inventory))
    money = money_format(a.currency)
    money_resources = {n for n, r in inventory.estate.resources.items() if r.is_money}
    book = Book()
    tables.roadmap(book, a, money)
    tables.business_cases(book, a, board, money)
    tables.options_considered(book, board, money)
    spend = money_sheets.money_by_period(book, a, board, money)
    caps = {
        name: dict(resource.per_year)
        for name, resource in inventory.estate.resources.items()
        if resource.per_year
    }
    years = money_sheets.money_by_year(book, a, board, money, caps)
    people = money_sheets.people_by_period(book, a, board)
    money_sheets.capacity(book, a, money, money_resources, spend, people)
    money_sheets.cash_by_year(book, a, board, money, years)
    tables.benefits(book, a, money)
    tables.cross_department(book, a, money)
    tables.retained(book, a)
    tables.levers(book, a, money)
    tables.largest_risk(book, a, money)
    tables.uncertainty(book, a, money)
    tables.scenarios(book, a, money)
    if a.appraisal is not None:
        appraisal_sheets(book.workbook, a.appraisal, money, legacy_table)
    tables.assumptions(book, a, money)
    names = [s.title for s in book.workbook.worksheets[1:]]
    tables.cover(book, a, board, [(n, SHEET_NOTES.get(n, "")) for n in names])
    title = f"Modernisation roadmap — {a.portfolio}"
    _print_setup(book, board, title)
    return save(book, title)


def _print_setup(book: Book, board: Board, title: str) -> None:
    for sheet in book.workbook.worksheets:
        print_setup(sheet, board.paper.marking, title)


# The sheets of every workbook, in order; the others (people, and the board pack's evidence)
# come only when there is something to show.
SHEETS = (
    "Cover",
    "Roadmap",
    "Business cases",
    "Options considered",
    money_sheets.MONEY_PERIOD,
    money_sheets.MONEY_YEAR,
    money_sheets.CAPACITY,
    money_sheets.CASH,
    "Benefits by department",
    "Value across departments",
    "Retained",
    "Assumptions",
)

__all__ = ["SHEETS", "ZIP_TIME", "render_xlsx"]
