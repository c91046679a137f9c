"""Period labels (YYYY-Qn, YYYY-MM, YYYY) and the planning axis built from them."""

from __future__ import annotations

import pytest

from prioritiser.inventory.periods import (
    Granularity,
    Period,
    PeriodAxis,
    axis_from,
    is_period_label,
    parse_period,
)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2027-Q1", Period(2027, 1, Granularity.QUARTER)),
        ("2027-Q4", Period(2027, 4, Granularity.QUARTER)),
        ("2027-01", Period(2027, 1, Granularity.MONTH)),
        ("2027-12", Period(2027, 12, Granularity.MONTH)),
        ("2027", Period(2027, 1, Granularity.YEAR)),
        (" 2027-Q2 ", Period(2027, 2, Granularity.QUARTER)),
    ],
)
def test_labels_parse_to_year_sub_and_granularity(label, expected):
    assert parse_period(label) == expected


def test_a_yaml_int_year_is_a_year_label():
    assert parse_period(2030) == Period(2030, 1, Granularity.YEAR)


@pytest.mark.parametrize("label", ["2027-Q1", "2027-03", "2027"])
def test_label_round_trips(label):
    assert parse_period(label).label == label


@pytest.mark.parametrize(
    "bad",
    ["2027-Q5", "2027-Q0", "2027-13", "2027-00", "27-Q1", "2027Q1", "Q1-2027", "", "next year", 27],
)
def test_bad_labels_are_refused_with_the_accepted_forms(bad):
    with pytest.raises(ValueError, match=r"YYYY-Qn \(quarter\), YYYY-MM \(month\) or YYYY"):
        parse_period(bad)


def test_is_period_label_accepts_only_text_labels():
    assert is_period_label("2027-Q3")
    assert not is_period_label("2027-Q9")
    assert not is_period_label(2027)


def test_granularity_counts_periods_per_year():
    assert [g.per_year for g in Granularity] == [1, 4, 12]


def test_quarterly_axis_labels_cross_year_boundaries():
    axis = axis_from("2027-Q3", 4)
    assert axis.labels == ["2027-Q3", "2027-Q4", "2028-Q1", "2028-Q2"]
    assert axis.granularity is Granularity.QUARTER
    assert axis.years_per_period == 0.25


def test_monthly_and_yearly_axes_have_their_own_labels():
    assert axis_from("2027-11", 3).labels == ["2027-11", "2027-12", "2028-01"]
    assert axis_from(2027, 3).labels == ["2027", "2028", "2029"]


def test_index_of_same_granularity_label_counts_periods_from_start():
    axis = axis_from("2027-Q1", 12)
    assert axis.index("2027-Q1") == 0
    assert axis.index("2029-Q4") == 11
    assert axis.index(parse_period("2028-Q2")) == 5


def test_indexes_outside_the_horizon_are_negative_or_past_the_end():
    axis = axis_from("2027-Q1", 8)
    assert axis.index("2026-Q4") == -1
    assert axis.index("2029-Q1") == 8
    assert axis.label(-1) == "2026-Q4"
    assert axis.label(8) == "2029-Q1"


def test_a_year_on_a_quarterly_axis_is_its_first_or_last_quarter_by_edge():
    axis = axis_from("2027-Q1", 12)
    assert axis.index("2028", "first") == 4  # 2028-Q1: an earliest start
    assert axis.index("2028", "last") == 7  # 2028-Q4: a deadline
    assert axis.index(2028, "last") == 7


def test_a_quarter_on_a_monthly_axis_is_its_first_or_last_month_by_edge():
    axis = axis_from("2027-01", 24)
    assert axis.index("2027-Q2", "first") == 3  # April
    assert axis.index("2027-Q2", "last") == 5  # June


def test_a_year_on_a_monthly_axis_spans_twelve_months():
    axis = axis_from("2027-01", 36)
    assert axis.index("2028", "first") == 12
    assert axis.index("2028", "last") == 23


def test_a_month_on_a_quarterly_axis_is_the_quarter_containing_it_for_both_edges():
    axis = axis_from("2027-Q1", 8)
    for edge in ("first", "last"):
        assert axis.index("2027-03", edge) == 0
        assert axis.index("2027-04", edge) == 1
        assert axis.index("2027-12", edge) == 3


def test_a_quarter_or_month_on_a_yearly_axis_is_its_year():
    axis = axis_from("2027", 5)
    assert axis.index("2029-Q4") == 2
    assert axis.index("2029-01", "last") == 2


def test_years_from_start_follow_the_granularity():
    assert axis_from("2027-Q1", 8).years_from_start(6) == 1.5
    assert axis_from("2027-01", 24).years_from_start(6) == 0.5


def test_span_label_shows_a_single_period_or_a_range():
    axis = axis_from("2027-Q1", 8)
    assert axis.span_label(2, 2) == "2027-Q3"
    assert axis.span_label(0, 7) == "2027-Q1–2028-Q4"


def test_axis_is_a_value():
    assert axis_from("2027-Q1", 4) == PeriodAxis(parse_period("2027-Q1"), 4)
