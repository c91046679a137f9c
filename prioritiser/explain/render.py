"""Explanations and diagnoses as text for the terminal and Markdown for files."""

from __future__ import annotations

from prioritiser.diagnose import Diagnosis, Relaxation
from prioritiser.explain.explanation import Explanation
from prioritiser.inventory import Inventory
from prioritiser.textsafe import markdown_text
from prioritiser.wording import money

SHOWN_ALTERNATIVES = 5
LISTED_BELOW = ("Binding: ", "Blocked: ")


def explanation_text(explanation: Explanation, currency: str = "GBP") -> str:
    """The terminal form of `prioritiser explain`."""
    e = explanation
    lines = [f"{e.system} — {e.name}"]
    if e.decision is not None:
        d = e.decision
        what = d.option if d.option == d.kind else f"{d.option} ({d.kind})"
        span = d.start if d.start == d.finish else f"{d.start} to {d.finish}"
        lines.append(f"In the roadmap: {what}, {span}, NPV {money(d.npv, currency)}")
    else:
        lines.append("Retained (not modernised in this roadmap)")
    lines += ["", "Why:"]
    # Binding/blocking reasons are listed once, with their constraint names, further down.
    shown = (
        [r for r in e.reasons if not r.startswith(LISTED_BELOW)]
        if e.binding_constraints
        else e.reasons
    )
    lines += [f"  - {r}" for r in shown]
    if e.binding_constraints:
        # Sentences only: the constraint ids are in `--format json`.
        title = (
            "What holds it where it is:"
            if e.decision is not None
            else "What blocks its best option:"
        )
        lines += ["", title]
        for b in e.binding_constraints:
            lines.append(f"  - {b.detail[0].upper()}{b.detail[1:]}")
    if e.alternatives:
        lines += ["", "Alternatives (best NPV first):"]
        for a in e.alternatives[:SHOWN_ALTERNATIVES]:
            span = a.start if a.start == a.finish else f"{a.start} to {a.finish}"
            what = a.option if a.option == a.kind else f"{a.option} ({a.kind})"
            lines.append(f"  - {what}, {span}: NPV {money(a.npv, currency)}")
        hidden = len(e.alternatives) - SHOWN_ALTERNATIVES
        if hidden > 0:
            lines.append(f"  … and {hidden} more (--format json lists them all)")
    if e.decision is None:
        delta = e.forced_objective_delta
        cost = "not possible" if delta is None else money(delta, currency)
        lines += ["", f"Change in total NPV if forced in: {cost}"]
    return "\n".join(lines) + "\n"


def _item(r: Relaxation) -> str:
    """The message as a sentence: capitalised unless it starts with a system id."""
    first = r.message.split(" ", 1)[0]
    if not r.message or first in r.systems:
        return r.message
    return r.message[0].upper() + r.message[1:]


def diagnosis_text(diagnosis: Diagnosis) -> str:
    """The terminal form of a diagnosis."""
    lines = ["No roadmap satisfies every rule."]
    if diagnosis.causes:
        lines += ["", "Why:"]
        lines += [f"  - {_item(c)}" for c in diagnosis.causes]
    if diagnosis.relaxations:
        lines += ["", "Smallest set of changes that makes a roadmap possible:"]
        lines += [f"  - {_item(r)}" for r in diagnosis.relaxations]
    elif diagnosis.status == "not_found":
        lines += ["", "The relaxed model could not be solved in time; see the causes above."]
    if diagnosis.status == "time_limit":
        lines += ["", "(Smallest set found within the time limit; a smaller one may exist.)"]
    return "\n".join(lines) + "\n"


def diagnosis_markdown(diagnosis: Diagnosis, inventory: Inventory) -> str:
    """`diagnosis.md`: the same content, for people reading files."""
    name = markdown_text(inventory.portfolio.name)
    lines = [f"# Why no roadmap is possible — {name}", ""]
    if inventory.scenarios:
        lines += [f"Scenarios applied: {markdown_text(', '.join(inventory.scenarios))}.", ""]
    lines += [
        "No roadmap satisfies every rule (deadlines, locks, resources, dependencies, risk "
        "limits). Below are the direct causes found, and the smallest set of changes to the "
        "inventory that would make a roadmap possible again.",
        "",
    ]
    if diagnosis.causes:
        lines += ["## Causes", ""]
        lines += [_markdown_item(c) for c in diagnosis.causes]
        lines.append("")
    lines += ["## Smallest set of changes", ""]
    if diagnosis.relaxations:
        lines += [_markdown_item(r) for r in diagnosis.relaxations]
    else:
        lines.append("The relaxed model could not be solved in time.")
    if diagnosis.status == "time_limit":
        lines += ["", "_Found within the time limit; a smaller set may exist._"]
    lines += [
        "",
        "## How to read this",
        "",
        "Each change is one way to restore feasibility; together they are the least "
        "disruptive set found when every rule may give a little (resource capacity in "
        "units of that period's capacity, deadlines and locked starts in periods, links and "
        "risk limits counted once each).",
    ]
    return "\n".join(lines) + "\n"


def _markdown_item(r: Relaxation) -> str:
    facts = [markdown_text(r.rule)]
    if r.systems:
        facts.append(markdown_text(", ".join(r.systems)))
    if r.resource:
        facts.append(markdown_text(r.resource))
    if r.periods:
        facts.append(r.periods[0] if len(r.periods) == 1 else f"{r.periods[0]}–{r.periods[-1]}")
    return f"- {markdown_text(_item(r))} _({'; '.join(facts)})_"
