"""Financial-year caps in the diagnosis: fixed work over a `per_year` cap (pass 1), and the
caps the relaxed plan had to raise (pass 2)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol

from prioritiser.diagnose.elastic import Elastic, Slack
from prioritiser.diagnose.facts import EPS, Facts
from prioritiser.diagnose.findings import Relaxation
from prioritiser.model.candidates import Candidate
from prioritiser.wording import names


class Reader(Protocol):
    """What the relaxed solution's reader (`wording.Reader`) offers to read a cap by."""

    facts: Facts
    elastic: Elastic

    @property
    def chosen(self) -> Mapping[str, Candidate]: ...

    def value(self, col: int) -> float: ...
    def mandate_fixes(self, system_ids: list[str]) -> str: ...


def per_year(reader: Reader, slacks: list[Slack]) -> list[Relaxation]:
    """Financial-year caps (`per_year`) that must rise, and who needs the money then."""
    out = []
    estate = reader.facts.estate
    for s in slacks:
        resource, label = s.key
        extra = reader.value(s.col)
        cap = dict(estate.resources[resource].per_year)[label]
        periods = estate.financial_year(label).periods
        users = sorted(
            c.system
            for c in reader.chosen.values()
            if dict(c.use).get(resource, 0) > 0
            and c.start <= periods[-1]
            and c.finish >= periods[0]
        )
        mandated = [u for u in users if u in reader.elastic.missed]
        out.append(
            Relaxation(
                "resource_per_year",
                tuple(users),
                tuple(reader.facts.label(t) for t in periods),
                resource,
                extra,
                f"raise the {label} cap on {resource} (per_year) from "
                f"{reader.facts.qty(resource, cap)} to {reader.facts.qty(resource, cap + extra)} "
                f"(+{reader.facts.qty(resource, extra)}): the work that must be done in that "
                f"financial year ({names(users[:6])}{' and others' if len(users) > 6 else ''})"
                f" needs that much{reader.mandate_fixes(mandated)}.",
            )
        )
    return out


def fixed_years(facts: Facts, fixed: dict[str, Candidate]) -> Iterator[Relaxation]:
    """Work fixed in time (locks, one-start windows) whose money in one financial year is
    more than that year's `per_year` cap."""
    estate = facts.estate
    for resource, spec in sorted(estate.resources.items()):
        for label, cap in spec.per_year:
            periods = estate.financial_year(label).periods
            need = 0.0
            users = []
            for c in fixed.values():
                amount = dict(c.use).get(resource, 0.0)
                overlap = min(c.finish, periods[-1]) - max(c.start, periods[0]) + 1
                if amount > 0 and overlap > 0:
                    need += amount * overlap
                    users.append(c.system)
            if need > cap * (1 + EPS) + EPS:
                yield Relaxation(
                    "resource_per_year",
                    tuple(sorted(users)),
                    tuple(facts.label(t) for t in periods),
                    resource,
                    need - cap,
                    f"{names(sorted(users))} {'is' if len(users) == 1 else 'are'} fixed in time "
                    f"and need{'s' if len(users) == 1 else ''} {facts.qty(resource, need)} of "
                    f"{resource} in financial year {label}, whose per_year cap is "
                    f"{facts.qty(resource, cap)}: raise the cap by "
                    f"{facts.qty(resource, need - cap)}, or move one of them.",
                )
