"""Cross-checks of the appraisal keys (DESIGN.md "Appraisal v2"), mixed into `CrossChecker`.

Money keys of `costs:`, financial-year labels of `per_year:`, `objective.include`, and the
deadlines `risk.unsupported.forbid` makes of end-of-support dates; durations are checked as
the plan schedules them, with their optimism bias.
"""

from __future__ import annotations

from prioritiser.inventory.appraisal_terms import (
    CAPEX,
    adjusted_duration,
    is_money_resource,
    uplift_of,
)
from prioritiser.inventory.messages import did_you_mean
from prioritiser.inventory.periods import (
    MONTHS,
    Granularity,
    PeriodAxis,
    financial_year,
    parse_financial_year,
    straddles_financial_years,
)
from prioritiser.inventory.problems import Severity
from prioritiser.inventory.schema import Option, PortfolioFile, System
from prioritiser.inventory.yamlsafe import Path_

NOUN = {Granularity.YEAR: "year", Granularity.QUARTER: "quarter", Granularity.MONTH: "month"}


class AppraisalChecks:
    """The appraisal's cross-checks; `CrossChecker` provides the portfolio, axis and report."""

    portfolio: PortfolioFile | None
    axis: PeriodAxis | None

    def report(self, message: str, path: Path_, severity: Severity = "error") -> None:
        raise NotImplementedError

    def check_financial_years(self) -> None:
        """`per_year` caps name financial years (`2027-28`) that overlap the horizon; a
        financial year that does not start with a period is said once."""
        if self.portfolio is None or self.axis is None:
            return
        axis = self.axis
        start_month = self.portfolio.portfolio.financial_year_start
        first = financial_year(axis.period(0), start_month)
        last = financial_year(axis.period(axis.count - 1), start_month)
        has_caps = False
        for name, resource in self.portfolio.resources.items():
            for label in resource.per_year:
                has_caps = True
                path = ("resources", name, "per_year", label)
                try:
                    year = parse_financial_year(label, start_month)
                except ValueError as exc:
                    self.report(str(exc), path)
                    continue
                if not first <= year <= last:
                    self.report(
                        f"per_year cap for {label} has no effect: no period of the horizon "
                        f"({axis.span_label(0, axis.count - 1)}) falls in that financial year",
                        path,
                        "warning",
                    )
        explicit = "financial_year_start" in self.portfolio.portfolio.model_fields_set
        if (explicit or has_caps) and straddles_financial_years(axis.granularity, start_month):
            noun = NOUN[axis.granularity]
            self.report(
                f"financial years start in {MONTHS[start_month - 1]} but each {noun} of the "
                f"plan starts in another month, so some {noun}s span two financial years: each "
                f"is counted in the financial year of its first month",
                ("portfolio", "financial_year_start"),
                "warning",
            )

    def check_objective(self) -> None:
        if self.portfolio is None:
            return
        seen: set[str] = set()
        for index, part in enumerate(self.portfolio.objective.include):
            if part in seen:
                self.report(f"'{part}' is listed twice", ("objective", "include", index))
            seen.add(part)

    def _check_money_names(self, costs: object, cost: object, path: Path_) -> None:
        """`costs:` keys are money resources (`capex`, or a resource whose unit is the
        portfolio currency), and `cost` does not say the capex cost a second time."""
        if self.portfolio is None or not isinstance(costs, dict):
            return
        currency = self.portfolio.portfolio.currency
        declared = self.portfolio.resources
        money = {CAPEX} | {
            n for n, spec in declared.items() if is_money_resource(n, spec.unit, currency)
        }
        for name, amount in costs.items():
            if not isinstance(name, str) or name in money:
                if name == CAPEX and _positive(cost) and _positive(amount):
                    self.report(
                        "the capex cost is given twice, by `cost` and by `costs.capex`; "
                        "`cost: X` is shorthand for `costs: {capex: X}`: keep one",
                        (*path, name),
                    )
                continue
            if name in declared:
                unit = declared[name].unit or "no unit"
                self.report(
                    f"resource '{name}' is not money (its unit is {unit}, not {currency}): "
                    "`costs` are one-off money; put a per-period use under `resource_use`",
                    (*path, name),
                )
            else:
                self.report(
                    f"unknown money resource '{name}'{did_you_mean(name, money)}; declare it "
                    f"under `resources:` in portfolio.yaml with unit {currency}",
                    (*path, name),
                )

    def duration(self, option: Option) -> int:
        """The option's duration with its optimism bias (what the plan schedules)."""
        appraisal = self.portfolio.appraisal if self.portfolio is not None else None
        return adjusted_duration(option.duration, uplift_of(appraisal, option).duration)

    def _durations(self, option: Option) -> str:
        adjusted = self.duration(option)
        if adjusted == option.duration:
            return f"{adjusted} periods"
        return f"{adjusted} periods ({option.duration} before optimism bias)"

    def check_support(self, system: System, path: Path_) -> None:
        """A system whose criticality may not run unsupported (`risk.unsupported.forbid`)
        must be able to finish an option by its end of support: not already past it when
        the plan starts, and with an option short enough to finish in time."""
        axis = self.axis
        unsupported = self.portfolio.risk.unsupported if self.portfolio is not None else None
        if axis is None or unsupported is None or system.end_of_support is None:
            return
        if system.criticality not in unsupported.forbid:
            return
        eos = axis.index(system.end_of_support, "last")
        spath = (*path, "end_of_support")
        policy = f"{system.criticality} systems may not run unsupported (risk.unsupported.forbid)"
        if eos < 0:
            self.report(
                f"{policy}, but its end of support {system.end_of_support} is before the plan "
                f"starts ({axis.label(0)}): it is already unsupported and no option can finish "
                "in time; correct end_of_support, take its criticality out of forbid and price "
                "it under cost_per_year instead, or start the plan earlier",
                spath,
            )
            return
        if not system.options:
            self.report(f"{policy} but it has no options to leave support in time", spath)
            return
        own = system.must_modernise_by
        if own is not None and axis.index(own, "last") <= eos:
            return  # its own deadline comes first and is checked on its own
        earliest = max(0, axis.index(system.earliest_start)) if system.earliest_start else 0
        last = min(eos, axis.count - 1)
        shortest = min(system.options, key=self.duration)
        if earliest + self.duration(shortest) - 1 > last:
            self.report(
                f"{policy}, but no option can finish by its end of support "
                f"{system.end_of_support}: the shortest, {shortest.id}, takes "
                f"{self._durations(shortest)} and only {max(0, last - earliest + 1)} are "
                f"available from {axis.label(earliest)} to {axis.label(last)}; price it under "
                "cost_per_year instead, add a quicker option, or correct end_of_support",
                spath,
            )


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0
