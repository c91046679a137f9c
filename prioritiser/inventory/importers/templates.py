"""Option templates: estimated modernisation options for imported systems that have none.

A template file (the built-in `option_templates.yaml`, or `--options-template FILE`) gives,
per criticality and optionally per technology, a list of option templates. Every number in
an option template is either fixed or scaled by the system's annual run cost:

    duration: 3                                   # fixed
    cost: {factor: 0.9, min: 50000}               # 0.9 × annual_run_cost, at least £50k
    duration: {base: 2, per_million: 1, max: 5}   # 2 + 1 per £1m of run cost, at most 5

    value = base + factor × run_cost + per_million × run_cost / 1,000,000,
            clamped to [min, max]

Durations are whole periods of the planning horizon (at least 1, at most the horizon);
money is rounded to £1,000 and resource use to 0.5. A system whose run cost is unknown is
scaled by `assumed_run_cost` for its criticality (its own `annual_run_cost` stays unset).

Lookup for a system: the first technology entry whose `match` words occur in the system's
`technology` (case-insensitive), else the top-level templates; within either, the list for
the system's criticality, else `default`. A technology entry may also raise the system's
legacy risk (`legacy_risk`, a floor per dimension). Every templated option is marked
`estimated: true`, and a legacy risk raised by a rule `estimated: [legacy_risk]`, so that
reports can flag the figures as estimates.

`lifecycle:` and `time:` say what a system's lifecycle stage and TIME tag mean for its
options: `plan` (templates), `add_retire` (templates plus the `retire:` template),
`retire_only`, or `exclude` (not imported; the import says why). A system both rules
apply to takes the stricter. Decommissioned (`end_of_life`) systems may only be
`retire_only` or `exclude`: they never get a modernising option.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from prioritiser.inventory.messages import problems_from_validation
from prioritiser.inventory.problems import Location, Problem, display_path
from prioritiser.inventory.raw import RawInventory
from prioritiser.inventory.schema import (
    Identifier,
    LegacyRisk,
    Money,
    Option,
    OptionKind,
    Platform,
    Score,
    StrictModel,
    System,
)
from prioritiser.inventory.yamlsafe import load_yaml_file, load_yaml_text

BUILTIN = "option_templates.yaml"
Level = Literal["low", "medium", "high", "critical", "default"]


class Scaled(StrictModel):
    """A number scaled by annual run cost: base + factor × cost + per_million × cost / 1e6."""

    base: float = 0.0
    factor: float = Field(0.0, ge=0)
    per_million: float = Field(0.0, ge=0)
    min: float | None = Field(None, ge=0)
    max: float | None = Field(None, ge=0)

    def at(self, run_cost: float) -> float:
        value = self.base + self.factor * run_cost + self.per_million * run_cost / 1e6
        if self.min is not None:
            value = max(value, self.min)
        if self.max is not None:
            value = min(value, self.max)
        return max(value, 0.0)


Number = Annotated[float, Field(ge=0)] | Scaled


def _at(number: float | Scaled, run_cost: float) -> float:
    return number.at(run_cost) if isinstance(number, Scaled) else float(number)


class OptionTemplate(StrictModel):
    """One templated option; numbers fixed or scaled by annual run cost."""

    id: Identifier
    kind: OptionKind
    duration: Number
    cost: Number = 0.0
    annual_saving: Number = 0.0
    resource_use: dict[str, Number] = Field(default_factory=dict)
    risk_reduction: float = Field(0.0, ge=0, le=1)
    delivery_risk: Score = 1
    requires_platforms: list[Identifier] = Field(default_factory=list)
    description: str = ""


class RiskFloor(StrictModel):
    """Minimum legacy risk per dimension for systems of a technology."""

    security: Score | None = None
    supportability: Score | None = None
    skills: Score | None = None
    data: Score | None = None
    resilience: Score | None = None


class TechnologyTemplates(StrictModel):
    """Templates for one technology (e.g. mainframe), matched by words in `technology`."""

    match: list[str] = Field(default_factory=list)
    legacy_risk: RiskFloor = RiskFloor()
    templates: dict[Level, list[OptionTemplate]] = Field(default_factory=dict)


Action = Literal["plan", "add_retire", "retire_only", "exclude"]
ACTIONS: tuple[str, ...] = get_args(Action)  # loosest first


def _action_text(value: object) -> object:
    # `experimental: exclude` is shorthand for `experimental: {action: exclude}`.
    return {"action": value} if isinstance(value, str) else value


class LifecycleRule(StrictModel):
    """What a lifecycle stage or TIME tag means for a system's options and risk."""

    action: Action = "plan"
    legacy_risk: RiskFloor = RiskFloor()


Rule = Annotated[LifecycleRule, BeforeValidator(_action_text)]
Stage = Literal["planned", "experimental", "phase_in", "active", "phase_out", "end_of_life"]
Tag = Literal["tolerate", "invest", "migrate", "eliminate"]


class ResourceSpec(StrictModel):
    """A resource the templates draw on; capacity is sized to the estate unless given."""

    unit: str = ""
    per_period: Money | None = None


class TemplateFile(StrictModel):
    """The contents of an option-templates file."""

    resources: dict[str, ResourceSpec] = Field(default_factory=dict)
    assumed_run_cost: dict[Level, Money] = Field(default_factory=dict)
    platforms: list[Platform] = Field(default_factory=list)
    templates: dict[Level, list[OptionTemplate]]
    technologies: dict[str, TechnologyTemplates] = Field(default_factory=dict)
    lifecycle: dict[Stage, Rule] = Field(default_factory=dict)
    time: dict[Tag, Rule] = Field(default_factory=dict)
    retire: OptionTemplate | None = None

    @model_validator(mode="after")
    def _decommissioned_are_never_modernised(self) -> TemplateFile:
        rule = self.lifecycle.get("end_of_life")
        if rule is not None and rule.action in ("plan", "add_retire"):
            raise ValueError(
                "lifecycle.end_of_life: a decommissioned system is never modernised; "
                "use retire_only or exclude"
            )
        if self.retire is not None and self.retire.kind != "retire":
            raise ValueError("retire: the retire template must have kind: retire")
        return self


@dataclass(frozen=True)
class Templates:
    """A validated template file, ready to give systems their estimated options."""

    spec: TemplateFile
    source: str

    def technology(self, system: System) -> tuple[str, TechnologyTemplates] | None:
        """The technology entry that matches the system, if any (first in file order)."""
        text = system.technology.lower()
        if not text:
            return None
        for name, entry in self.spec.technologies.items():
            words = [name.lower(), *(w.lower() for w in entry.match)]
            if any(word and _mentions(text, word) for word in words):
                return name, entry
        return None

    def templates_for(self, system: System) -> tuple[str, list[OptionTemplate]]:
        """(label, templates) for a system: technology first, then criticality, then default."""
        found = self.technology(system)
        if found is not None:
            name, entry = found
            for level in (system.criticality, "default"):
                if level in entry.templates:
                    return f"{name}/{level}", entry.templates[level]
        for level in (system.criticality, "default"):
            if level in self.spec.templates:
                return level, self.spec.templates[level]
        return "none", []

    def run_cost_basis(self, system: System) -> tuple[float, bool]:
        """(run cost to scale by, whether it is assumed because the system's is unknown).

        A run cost of 0 is a fact (the system costs nothing to run) and scales to 0.
        """
        if system.annual_run_cost is not None:
            return system.annual_run_cost, False
        assumed = self.spec.assumed_run_cost
        return assumed.get(system.criticality, assumed.get("default", 0.0)), True

    def rule(self, system: System) -> LifecycleRule:
        """The stricter of the rules for the system's lifecycle stage and TIME tag."""
        rules = [LifecycleRule()]
        if system.lifecycle is not None and system.lifecycle in self.spec.lifecycle:
            rules.append(self.spec.lifecycle[system.lifecycle])
        if system.time_tag is not None and system.time_tag in self.spec.time:
            rules.append(self.spec.time[system.time_tag])
        if system.lifecycle == "end_of_life":  # whatever the rules say, never modernised
            rules.append(LifecycleRule(action="retire_only"))
        strictest = max(rules, key=lambda r: ACTIONS.index(r.action))
        floor = RiskFloor(
            **{
                name: max((v for r in rules if (v := getattr(r.legacy_risk, name))), default=None)
                for name in RiskFloor.model_fields
            }
        )
        return LifecycleRule(action=strictest.action, legacy_risk=floor)

    def apply(
        self, system: System, periods: int, currency: str = "GBP", action: str | None = None
    ) -> System:
        """The system with templated options (when it has none) and the rules' risk floors.

        `action` (default: the system's lifecycle rule) chooses the options: the templates,
        the templates and a retire option, or only a retire option.
        """
        update: dict[str, object] = {}
        rule = self.rule(system)
        action = action or rule.action
        floors = [rule.legacy_risk]
        found = self.technology(system)
        if found is not None:
            floors.append(found[1].legacy_risk)
        risk = system.legacy_risk
        for floor in floors:
            risk = _raise_risk(risk, floor)
        if risk != system.legacy_risk:
            update["legacy_risk"] = risk
            if "legacy_risk" not in system.estimated:
                update["estimated"] = [*system.estimated, "legacy_risk"]
        if not system.options or action == "retire_only":
            label, templates = self.templates_for(system)
            if action == "retire_only":
                label, templates = "retire", [self.retire_template()]
            elif action == "add_retire" and not any(t.kind == "retire" for t in templates):
                templates = [self.retire_template(), *templates]
            basis, assumed = self.run_cost_basis(system)
            update["options"] = [
                _option(template, label, basis, assumed, periods, currency)
                for template in templates
            ]
        return system.model_copy(update=update) if update else system

    def retire_template(self) -> OptionTemplate:
        """The file's `retire:` template, else its first retire option, else the built-in one."""
        if self.spec.retire is not None:
            return self.spec.retire
        for options in self.spec.templates.values():
            for template in options:
                if template.kind == "retire":
                    return template
        builtin, _ = load_templates()
        assert builtin is not None and builtin.spec.retire is not None
        return builtin.spec.retire

    def platforms_used(self, systems: list[System]) -> list[Platform]:
        """The template platforms some option of `systems` requires, in file order."""
        needed = {p for s in systems for o in s.options for p in o.requires_platforms}
        return [p for p in self.spec.platforms if p.id in needed]


def _mentions(text: str, word: str) -> bool:
    """Whether `word` occurs in `text` as a whole word (`ims` in `IBM IMS`, not in `claims`)."""
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None


def _option(
    template: OptionTemplate,
    label: str,
    run_cost: float,
    assumed: bool,
    periods: int,
    currency: str = "GBP",
) -> Option:
    duration = min(max(1, math.floor(_at(template.duration, run_cost) + 0.5)), periods)
    # An ISO code, not a symbol: this is inventory text, read in the portfolio's currency.
    basis = f"{run_cost:,.0f} {currency}" + (" (assumed; run cost unknown)" if assumed else "")
    description = template.description or f"{template.kind} ({label} template)"
    return Option(
        id=template.id,
        kind=template.kind,
        duration=duration,
        cost=_money(_at(template.cost, run_cost)),
        resource_use={
            name: use
            for name, amount in sorted(template.resource_use.items())
            if (use := _half(_at(amount, run_cost))) > 0
        },
        annual_saving=_money(_at(template.annual_saving, run_cost)),
        risk_reduction=template.risk_reduction,
        delivery_risk=template.delivery_risk,
        requires_platforms=list(template.requires_platforms),
        estimated=True,
        description=f"{description}; estimated from annual run cost {basis}",
    )


def _money(value: float) -> float:
    return float(round(value / 1000.0) * 1000)


def _half(value: float) -> float:
    if value <= 0:
        return 0.0
    return max(0.5, math.floor(value * 2 + 0.5) / 2)


def _raise_risk(risk: LegacyRisk, floor: RiskFloor) -> LegacyRisk:
    values = risk.model_dump()
    for name, minimum in floor.model_dump().items():
        if minimum is not None:
            values[name] = max(values[name], minimum)
    return LegacyRisk(**values)


def load_templates(path: str | Path | None = None) -> tuple[Templates | None, list[Problem]]:
    """The built-in templates (path None) or a template file; problems located by file:line."""
    if path is None:
        text = (
            resources.files("prioritiser.inventory.importers")
            .joinpath(BUILTIN)
            .read_text(encoding="utf-8")
        )
        shown = f"<built-in {BUILTIN}>"
        loaded = load_yaml_text(text, shown)
    else:
        shown = display_path(Path(path))
        loaded = load_yaml_file(Path(path), shown)
    if loaded.problems:
        return None, loaded.problems
    if not isinstance(loaded.data, dict):
        return None, [Problem("must be a mapping with a `templates:` section", Location(shown, 1))]
    raw = RawInventory(data=loaded.data)
    raw.adopt(loaded, (), ())
    try:
        spec = TemplateFile.model_validate(loaded.data)
    except ValidationError as exc:
        return None, problems_from_validation(exc, TemplateFile, (), raw)
    problems = _check_platform_refs(spec, raw)
    if problems:
        return None, problems
    return Templates(spec, shown), []


def _check_platform_refs(spec: TemplateFile, raw: RawInventory) -> list[Problem]:
    known = {p.id for p in spec.platforms}
    problems = []
    groups: list[tuple[tuple[str, ...], dict[Level, list[OptionTemplate]]]]
    groups = [(("templates",), spec.templates)]
    groups += [
        (("technologies", n, "templates"), t.templates) for n, t in spec.technologies.items()
    ]
    for base, by_level in groups:
        for level, options in by_level.items():
            for i, option in enumerate(options):
                for j, platform in enumerate(option.requires_platforms):
                    if platform not in known:
                        path: tuple[str | int, ...] = (*base, level, i, "requires_platforms", j)
                        problems.append(
                            Problem(
                                f"unknown platform '{platform}'; declare it under `platforms:`",
                                raw.location(path),
                                raw.display(path),
                            )
                        )
    return problems
