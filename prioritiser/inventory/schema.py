"""Typed models of the inventory files, exactly as DESIGN.md's inventory format.

Every model forbids unknown keys (typos are errors) and is immutable once validated.
The JSON Schema of the files (`prioritiser schema`) is generated from these models.
"""

from __future__ import annotations

from typing import Annotated, Literal, NewType, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from prioritiser.inventory.periods import FINANCIAL_YEAR_PATTERN, PERIOD_PATTERN

SystemId = NewType("SystemId", str)
OptionId = NewType("OptionId", str)
PlatformId = NewType("PlatformId", str)

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
MAX_MONEY = 1e15  # anything this large is a typo or a unit mistake, not a budget
MAX_PERIODS = 400


def _period_text(value: object) -> object:
    # YAML reads `2027` as an int; a year label is still a label.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _exact(value: object) -> object:
    """Ids and names used as keys are compared exactly, so they may not carry invisible
    differences: `'alpha '` would pass a uniqueness check beside `alpha` and then merge with
    it once stripped. Refuse instead of guessing."""
    if isinstance(value, str):
        if value != value.strip():
            raise ValueError("has spaces or line breaks around it; remove them")
        if any(c in value for c in "\t\n\r\u2028\u2029\x85"):
            raise ValueError("holds a tab or line break; keep it on one line")
    return value


def _one_line(value: object) -> object:
    """Names and units are shown in tables and charts: one line each."""
    if isinstance(value, str) and any(c in value for c in "\n\r\u2028\u2029\x85"):
        raise ValueError("holds a line break; keep it on one line")
    return value


PeriodLabel = Annotated[
    str,
    BeforeValidator(_period_text),
    Field(pattern=PERIOD_PATTERN, description="A period: YYYY-Qn, YYYY-MM or YYYY."),
]
FinancialYearLabel = Annotated[
    str,
    BeforeValidator(_period_text),
    Field(
        pattern=FINANCIAL_YEAR_PATTERN,
        description="A financial year: YYYY-YY of the year it starts (YYYY with January starts).",
    ),
]
Identifier = Annotated[
    str,
    BeforeValidator(_exact),
    Field(pattern=ID_PATTERN, max_length=120, description="Lower-case letters, digits and '-'."),
]
# A name that is also a key (a resource, a department): exact text on one line.
Key = Annotated[str, BeforeValidator(_exact), Field(min_length=1, max_length=200)]
# A name shown to people: one line.
Label = Annotated[str, BeforeValidator(_one_line)]
CURRENCY_PATTERN = r"^[A-Z]{3}$"
Money = Annotated[float, Field(ge=0, lt=MAX_MONEY)]
SignedMoney = Annotated[float, Field(gt=-MAX_MONEY, lt=MAX_MONEY)]
Amount = Annotated[float, Field(ge=0, lt=MAX_MONEY)]
Score = Annotated[int, Field(ge=1, le=5)]

Criticality = Literal["low", "medium", "high", "critical"]
# What the optimiser may count in its objective (`objective.include`); costs always count.
ValuePart = Literal["cashable", "non_cashable", "risk", "unsupported"]
Uplift = Annotated[float, Field(ge=0, le=10)]
OptionKind = Literal["retire", "rehost", "replatform", "refactor", "replace", "repurchase"]
DependencyConstraint = Literal["after", "requires", "together", "none"]
# Where a system is in its life: the vocabulary every importer maps its source's words onto
# (Backstage spec.lifecycle, LeanIX lifecycle phases, ServiceNow install/operational status).
Lifecycle = Literal["planned", "experimental", "phase_in", "active", "phase_out", "end_of_life"]
# Gartner's TIME model: what the organisation intends to do with the system.
TimeTag = Literal["tolerate", "invest", "migrate", "eliminate"]
# System fields whose value is an estimate (templated or assumed), not a fact from a source.
EstimatedField = Literal[
    "annual_run_cost", "criticality", "department", "end_of_support", "legacy_risk"
]

OPTION_KINDS: tuple[str, ...] = get_args(OptionKind)
VALUE_PARTS: tuple[str, ...] = get_args(ValuePart)
CRITICALITIES: tuple[str, ...] = get_args(Criticality)
LIFECYCLES: tuple[str, ...] = get_args(Lifecycle)
TIME_TAGS: tuple[str, ...] = get_args(TimeTag)
ESTIMATED_FIELDS: tuple[str, ...] = get_args(EstimatedField)


class StrictModel(BaseModel):
    # allow_inf_nan=False: YAML's .nan/.inf are refused by the loader, but pydantic would
    # still read the text "nan", "inf" or "1e999" (YAML 1.1 strings) as non-finite floats.
    # strict=True: a number is a number — `duration: true` or `periods: '12'` are mistakes
    # to report, not values to coerce (whole floats are still numbers, ints still floats).
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False, strict=True
    )


# --- portfolio.yaml ----------------------------------------------------------------


class Portfolio(StrictModel):
    """Planning horizon and money settings."""

    name: Label = Field(min_length=1)
    currency: str = Field("GBP", pattern=CURRENCY_PATTERN, description="ISO 4217 code.")
    start: PeriodLabel
    periods: int = Field(ge=1, le=MAX_PERIODS, description="Planning horizon in periods.")
    discount_rate: float = Field(0.035, ge=0, le=1, description="Annual real discount rate.")
    appraisal_years: float = Field(
        10, ge=0, le=100, description="Years of benefits counted after an option completes."
    )
    financial_year_start: int = Field(
        1,
        ge=1,
        le=12,
        description="Month the financial year begins (UK government: 4 = April); default 1.",
    )
    description: str = ""


class Resource(StrictModel):
    """A named per-period capacity (money, people, a skills pool)."""

    unit: Label = ""
    per_period: Amount = 0.0
    overrides: dict[PeriodLabel, Amount] = Field(
        default_factory=dict, description="Capacity in particular periods instead of per_period."
    )
    total: Amount | None = Field(None, description="Cap on the sum over the horizon.")
    per_year: dict[FinancialYearLabel, Amount] = Field(
        default_factory=dict,
        description="Cap on the sum over the periods of each financial year (label YYYY-YY).",
    )


class Unsupported(StrictModel):
    """Systems running past their end of support: priced per year, or forbidden outright."""

    cost_per_year: dict[Criticality, Money] = Field(
        default_factory=dict,
        description="Expected loss per year while a system of this criticality is unsupported.",
    )
    forbid: list[Criticality] = Field(
        default_factory=list,
        description="Criticalities that must finish an option by their end of support.",
    )


class Risk(StrictModel):
    """Risk appetite: delivery-risk limits, and the price of running unsupported."""

    high_risk_threshold: Score = 4
    max_concurrent_high_risk: int | None = Field(None, ge=0)
    max_total_delivery_risk: float | None = Field(None, ge=0)
    max_concurrent_per_department: int | None = Field(None, ge=0)
    unsupported: Unsupported | None = None


def _every_part() -> list[ValuePart]:
    return ["cashable", "non_cashable", "risk", "unsupported"]


class Objective(StrictModel):
    """How non-monetary value is priced into the objective, and what is maximised."""

    risk_value_per_point: Money = 0.0
    include: list[ValuePart] = Field(
        default_factory=_every_part,
        description="Value the optimiser maximises (one-off costs always count): cashable, "
        "non_cashable, risk, unsupported. The value split is always reported.",
    )


class Bias(StrictModel):
    """Optimism bias: uplifts on one-off cost and duration (0.4 = +40 %); unset falls back
    to the option kind's, then to `default`, then to 0."""

    cost: Uplift | None = None
    duration: Uplift | None = None


class OptimismBias(StrictModel):
    """Optimism bias per option kind; `default` applies to kinds not listed."""

    default: Bias | None = None
    retire: Bias | None = None
    rehost: Bias | None = None
    replatform: Bias | None = None
    refactor: Bias | None = None
    replace: Bias | None = None
    repurchase: Bias | None = None


class AppraisalSettings(StrictModel):
    """Green Book conventions: optimism bias, dual running and benefit ramp-up."""

    optimism_bias: OptimismBias = OptimismBias()
    dual_running: int = Field(
        0,
        ge=0,
        le=MAX_PERIODS,
        description="Periods after finish before savings and benefits start (both systems run).",
    )
    benefit_ramp: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=list,
        max_length=MAX_PERIODS,
        description="Share of savings and benefits in the first periods after dual running; "
        "then 1.0.",
    )


class Range(StrictModel):
    """A multiplier range [low, high] for Monte Carlo sampling."""

    low: float = Field(ge=0, le=100)
    high: float = Field(ge=0, le=100)


class Uncertainty(StrictModel):
    """Optimism-bias ranges per option kind (multipliers), overriding the built-in defaults."""

    cost: dict[OptionKind, Range] = Field(default_factory=dict)
    duration: dict[OptionKind, Range] = Field(default_factory=dict)
    benefit: dict[OptionKind, Range] = Field(default_factory=dict)


class RatioBands(StrictModel):
    """Amber and red bands of an index (CPI, SPI, benefits realised ÷ planned): below
    `amber_below` is amber, below `red_below` is red."""

    amber_below: float = Field(0.95, ge=0, le=10)
    red_below: float = Field(0.85, ge=0, le=10)

    @model_validator(mode="after")
    def _ordered(self) -> RatioBands:
        if self.red_below > self.amber_below:
            raise ValueError(
                f"red_below ({self.red_below:g}) must not be above amber_below "
                f"({self.amber_below:g}): red is the worse band"
            )
        return self


class BenefitBands(RatioBands):
    """The bands of benefits realised ÷ planned to date (their own defaults, so that giving
    one of the two keeps the other's)."""

    amber_below: float = Field(0.9, ge=0, le=10)
    red_below: float = Field(0.5, ge=0, le=10)


class SlipBands(StrictModel):
    """Schedule slip bands, in periods later than the baseline's finish."""

    amber_from: int = Field(1, ge=1, le=MAX_PERIODS)
    red_from: int = Field(2, ge=1, le=MAX_PERIODS)

    @model_validator(mode="after")
    def _ordered(self) -> SlipBands:
        if self.red_from < self.amber_from:
            raise ValueError(
                f"red_from ({self.red_from}) must not be below amber_from ({self.amber_from}): "
                "red is the worse band"
            )
        return self


class Tracking(StrictModel):
    """RAG thresholds of `prioritiser track` (docs/tracking.md); each band is optional."""

    cpi: RatioBands = Field(
        RatioBands(), description="Cost performance (EV ÷ AC): amber and red below these."
    )
    spi: RatioBands = Field(
        RatioBands(), description="Schedule performance (EV ÷ PV): amber and red below these."
    )
    slip_periods: SlipBands = Field(
        SlipBands(), description="Forecast finish later than the baseline's by this many periods."
    )
    benefits: BenefitBands = Field(
        BenefitBands(),
        description="Benefits realised ÷ planned to date: amber and red below these.",
    )


class PortfolioFile(StrictModel):
    """The contents of portfolio.yaml."""

    portfolio: Portfolio
    resources: dict[Key, Resource] = Field(default_factory=dict)
    risk: Risk = Risk()
    objective: Objective = Objective()
    uncertainty: Uncertainty | None = None
    tracking: Tracking = Tracking()
    appraisal: AppraisalSettings | None = None


# --- platforms.yaml ------------------------------------------------------------------


class Platform(StrictModel):
    """A shared platform built once, before the first option that requires it."""

    id: Identifier
    name: Label = ""
    setup_cost: Money = 0.0
    setup_duration: int = Field(1, ge=1, le=MAX_PERIODS)
    resource_use: dict[Key, Amount] = Field(default_factory=dict)
    description: str = ""

    @property
    def title(self) -> str:
        return self.name or self.id


class PlatformsFile(StrictModel):
    platforms: list[Platform] = Field(default_factory=list)


# --- systems/*.yaml ------------------------------------------------------------------


class LegacyRisk(StrictModel):
    """Legacy risk of keeping a system as it is, 1 (low) to 5 (high) per dimension."""

    security: Score = 1
    supportability: Score = 1
    skills: Score = 1
    data: Score = 1
    resilience: Score = 1

    @property
    def points(self) -> int:
        return self.security + self.supportability + self.skills + self.data + self.resilience


class Benefit(StrictModel):
    """A yearly benefit landing in some department (cashable or not)."""

    department: Key
    annual: SignedMoney
    cashable: bool = False
    description: str = ""


class Option(StrictModel):
    """One way to modernise a system."""

    id: Identifier
    kind: OptionKind
    duration: int = Field(ge=1, le=MAX_PERIODS, description="Periods in flight.")
    cost: Money = Field(0.0, description="One-off cost: shorthand for `costs: {capex: X}`.")
    costs: dict[Key, Money] = Field(
        default_factory=dict,
        description="One-off cost per money resource, each drawn evenly over the duration.",
    )
    optimism_bias: Bias | None = Field(None, description="Overrides the kind's optimism bias.")
    resource_use: dict[Key, Amount] = Field(
        default_factory=dict, description="Per period while in flight."
    )
    annual_saving: SignedMoney = 0.0
    benefits: list[Benefit] = Field(default_factory=list)
    risk_reduction: float = Field(0.0, ge=0, le=1, description="Fraction of legacy risk removed.")
    delivery_risk: Score = 1
    requires_platforms: list[Identifier] = Field(default_factory=list)
    npv: SignedMoney | None = Field(None, description="Appraised NPV replacing the computed one.")
    estimated: bool = Field(False, description="Figures are templated estimates, not appraised.")
    description: str = ""


class Dependency(StrictModel):
    """`A depends_on B`: how B constrains A's modernisation."""

    system: Identifier
    kind: str = "uses"
    constraint: DependencyConstraint = "after"
    description: str = ""


class Fit(StrictModel):
    """How well a system fits, 1 (poor) to 4 (fully appropriate), as LeanIX and APM tools rate it."""

    functional: int | None = Field(None, ge=1, le=4, description="Fit to business needs.")
    technical: int | None = Field(None, ge=1, le=4, description="Fit to technology standards.")


class Lock(StrictModel):
    """A decision already taken (work in flight)."""

    option: Identifier
    start: PeriodLabel


class System(StrictModel):
    """One system of the estate and its modernisation options."""

    id: Identifier
    name: Label = Field(min_length=1)
    department: Key = "Unassigned"
    criticality: Criticality = "medium"
    technology: str = ""
    owner: str = Field("", description="Who answers for the system (a person or team).")
    annual_run_cost: Money | None = Field(
        None, description="Yearly run cost; unset means unknown (0 means it costs nothing)."
    )
    lifecycle: Lifecycle | None = Field(
        None,
        description="Where the system is in its life; end_of_life (decommissioned) systems "
        "may only have a retire option.",
    )
    time_tag: TimeTag | None = Field(None, description="TIME model: tolerate, invest, ...")
    fit: Fit | None = None
    end_of_support: PeriodLabel | None = None
    legacy_risk: LegacyRisk = LegacyRisk()
    must_modernise_by: PeriodLabel | None = None
    earliest_start: PeriodLabel | None = None
    locked: Lock | None = None
    depends_on: list[Dependency] = Field(default_factory=list)
    options: list[Option]
    estimated: list[EstimatedField] = Field(
        default_factory=list,
        description="Fields whose values are estimates (assumed or templated), not facts; "
        "reports say so. Options carry their own `estimated: true`.",
    )
    description: str = ""

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(f"{self.id} has no option {option_id!r}")


class SystemsFile(StrictModel):
    systems: list[System] = Field(default_factory=list)


# --- scenarios/*.yaml -----------------------------------------------------------------


class ScenarioHeader(StrictModel):
    """Only the header of an overlay is typed here; the patch is validated after merging."""

    name: Identifier
    description: str = ""
