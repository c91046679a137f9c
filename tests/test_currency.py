"""Money is shown in the portfolio's currency everywhere: one formatter, no pound sign
in a dollar estate."""

from __future__ import annotations

from pathlib import Path

from prioritiser.reports.excel import money_format
from prioritiser.wording import currency_symbol, money

USD = {
    "portfolio": {"name": "Dollar estate", "currency": "USD", "start": "2027-Q1", "periods": 2},
    "resources": {"capex": {"unit": "USD", "per_period": 1_000_000}},
}


def _system(system_id: str, saving: float) -> dict:
    return {
        "id": system_id,
        "name": system_id.title(),
        "options": [
            {"id": "replace", "kind": "replace", "duration": 2, "cost": 2_000_000,
             "annual_saving": saving},
        ],
    }  # fmt: skip


def test_explaining_a_displacement_in_a_dollar_estate_says_dollars(
    write_inventory, run_cli, tmp_path: Path
) -> None:
    # Room for one replacement only: forcing the weaker one in drops the stronger one.
    root = write_inventory(
        tmp_path / "estate", portfolio=USD, systems=[_system("strong", 900_000),
                                                      _system("weak", 600_000)]
    )  # fmt: skip
    out = tmp_path / "out"
    assert run_cli("plan", root, "-o", out).exit_code == 0
    result = run_cli("explain", root, "weak", "--roadmap", out / "roadmap.json")
    assert result.exit_code == 0, result.stderr
    assert "Strong (dropped, NPV $" in result.stdout  # systems by name in the text form
    assert "£" not in result.stdout


def test_one_symbol_table_for_text_charts_and_workbooks() -> None:
    assert [currency_symbol(c) for c in ("GBP", "usd", "EUR", "CHF")] == ["£", "$", "€", "CHF "]
    assert money(1_250_000, "USD") == "$1.2m" and money(2.4, "EUR", decimals=2) == "€2.40"
    assert money(-40_000, "CHF") == "-CHF 40k"
    # Workbooks show money in millions of the portfolio's currency; cells hold exact amounts.
    assert money_format("USD") == '"$"#,##0.00,,"m";-"$"#,##0.00,,"m";"$"0.00"m"'
    assert money_format("CHF") == '"CHF "#,##0.00,,"m";-"CHF "#,##0.00,,"m";"CHF "0.00"m"'
