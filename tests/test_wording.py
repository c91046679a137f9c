"""Numbers, money, counts and lists read the same in every message and report."""

from __future__ import annotations

from prioritiser.inventory.periods import PeriodAxis, parse_period
from prioritiser.wording import (
    form,
    is_money_unit,
    money,
    names,
    number,
    plural,
    quantity,
    runs_of,
    spans,
    with_names,
)


def test_money_says_its_currency_and_its_scale() -> None:
    assert money(1_234_567) == "£1.2m"
    assert money(350_000, "EUR") == "€350k"
    assert money(-40_000, "USD") == "-$40k"
    assert money(999) == "£999"
    assert money(2_500_000, "CHF") == "CHF 2.5m"
    assert money(2.4, decimals=2) == "£2.40"
    assert money(-0.5, "CHF", decimals=2) == "-CHF 0.50"


def test_a_money_unit_is_a_currency_or_the_portfolios_own() -> None:
    assert is_money_unit("gbp", "GBP") and is_money_unit("CHF", "CHF")
    assert not is_money_unit("FTE", "GBP")
    assert quantity(1_500_000, "GBP", "GBP", is_money=True) == "£1.5m"
    assert quantity(2.5, "FTE", "GBP", is_money=False) == "2.5 FTE"
    assert quantity(3, "", "GBP", is_money=False) == "3"


def test_counts_agree_with_their_nouns_and_verbs() -> None:
    assert plural(1, "system") == "1 system"
    assert plural(3, "system") == "3 systems"
    assert plural(1200, "dependency", "dependencies") == "1,200 dependencies"
    assert plural(0, "period") == "0 periods"
    assert form(1, "waits", "wait") == "waits"
    assert form(2, "waits", "wait") == "wait"
    assert form(2, "project") == "projects"


def test_numbers_and_lists_read_as_prose() -> None:
    assert number(10.0) == "10" and number(2.5) == "2.5" and number(1 / 3) == "0.33"
    assert number(-0.001) == "0"
    assert names([]) == "" and names(["a"]) == "a"
    assert names(["a", "b"]) == "a and b"
    assert names(["a", "b", "c"]) == "a, b and c"


def test_period_sets_read_as_runs() -> None:
    axis = PeriodAxis(parse_period("2027-Q1"), 12)
    assert runs_of([6, 1, 2, 3]) == [[1, 2, 3], [6]]
    assert spans(axis, [1, 2, 4]) == "2027-Q2–2027-Q3, 2028-Q1"


def test_ids_in_a_message_become_names_only_as_whole_words() -> None:
    named = {"integration-bus": "Legacy service bus", "bus": "Bus", "customs": "Customs"}
    message = (
        "Let customs run unsupported: it must wait for integration-bus (after); "
        "take critical out of risk.unsupported.forbid; customs-extra and bus."
    )
    assert with_names(message, named) == (
        "Let Customs run unsupported: it must wait for Legacy service bus (after); "
        "take critical out of risk.unsupported.forbid; customs-extra and Bus."
    )
    assert with_names("nothing to name", {}) == "nothing to name"
