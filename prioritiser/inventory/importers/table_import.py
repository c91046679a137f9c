"""Map the rows of one or more tables (CSV files, Excel sheets) to systems.

Systems table: a row per system. Default columns (matched case-insensitively, spaces and
punctuation ignored): id, name, department, criticality, annual_run_cost, end_of_support;
optional technology, description, must_modernise_by, earliest_start, owner, lifecycle,
time_tag, legacy_risk (one 1–5 score or `security=5, skills=4`), legacy_risk.<dimension>,
functional_fit, technical_fit, currency (of the row's amounts) and depends_on (systems
this one depends on, several separated by `;`). A profile (ServiceNow, LeanIX) adds the
columns its export uses for each field.

Each cell is read in this order: blank or a "not known" token (`-`, `n/a`, `TBC`…) → not
set; a value map (`--value lifecycle:Sunsetting=phase_out`) → translated; several values
separated by `;` → the first (reported) for single-valued fields; then parsed. A value
that cannot be read is reported and left unset: unknown stays unknown, and 0 stays 0.
Dependencies are resolved in `table_links` once every table has been read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from prioritiser.inventory.importers.columns import (
    MONEY_FIELDS,
    RISK_DIMENSIONS,
    SYSTEM_FIELDS,
    Condition,
    HeaderUnit,
    TableOptions,
    find_column,
    header_unit,
    require_column,
    resolve_fields,
)
from prioritiser.inventory.importers.common import (
    ImportResult,
    first_month,
    neutral_text,
    parse_amount,
    parse_criticality,
    parse_period_text,
    slugify,
    unique_id,
)
from prioritiser.inventory.importers.table_state import (
    Collected,
    Link,
    MoneyCell,
    parse_risk,
    score,
)
from prioritiser.inventory.importers.tables import Table, TableError
from prioritiser.inventory.importers.vocab import (
    parse_functional_fit,
    parse_lifecycle,
    parse_technical_fit,
    parse_time_tag,
    word,
)
from prioritiser.inventory.problems import Location
from prioritiser.inventory.schema import LIFECYCLES

TEXT_FIELDS = ("department", "owner", "technology", "description")
SPLIT_FIELDS = (
    "department", "owner", "criticality", "lifecycle", "time_tag", "functional_fit",
    "technical_fit", "end_of_support", "must_modernise_by", "earliest_start", "currency",
)  # fmt: skip
PARSERS: dict[str, Callable[[str], Any]] = {
    "criticality": parse_criticality,
    "end_of_support": parse_period_text,
    "must_modernise_by": parse_period_text,
    "earliest_start": parse_period_text,
    "lifecycle": parse_lifecycle,
    "time_tag": parse_time_tag,
}
LINK_KIND = "uses"  # the kind of a dependency named in a `depends_on` cell


@dataclass(frozen=True)
class Profile:
    """What a vendor's export looks like: the columns it uses for each field, its words
    for values, the columns that link systems, and the rows that are applications."""

    name: str = "csv"
    candidates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    # column -> kind: cells naming systems this one depends on (LeanIX `relToRequires`).
    links: dict[str, str] = field(default_factory=dict)
    # (provider column, consumer column): interface names linking consumer to provider.
    interfaces: tuple[str, str] | None = None
    # Dependency-table columns per field, and a constraint per relation type.
    dependency_candidates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    relation_constraints: dict[str, str] = field(default_factory=dict)
    unknown_relation: str = "after"  # "skip" to skip relation types not listed
    # (column, stage) pairs, in life order: the stage whose date last passed is current.
    lifecycle_dates: tuple[tuple[str, str], ...] = ()
    rows: tuple[Condition, ...] = ()  # which rows are systems, e.g. type=Application
    skip_own: tuple[str, ...] = ()  # fields not read from a column of their own name
    # Columns whose values also name the row's system in relations (ServiceNow `sys_id`).
    aliases: tuple[str, ...] = ()
    label_row: bool = False  # a second header row of labels may follow the keys (LeanIX)


GENERIC = Profile()


class RowReader:
    """Reads the rows of one systems table into `Collected`."""

    def __init__(
        self,
        table: Table,
        options: TableOptions,
        profile: Profile,
        result: ImportResult,
        collected: Collected,
    ):
        self.table = table
        self.options = options
        self.profile = profile
        self.result = result
        self.out = collected
        self.columns = resolve_fields(
            table,
            SYSTEM_FIELDS,
            options.mapping,
            profile.candidates,
            shared=("depends_on",),
            skip_own=profile.skip_own,
        )
        if "id" not in self.columns and "name" not in self.columns:
            found = ", ".join(table.columns)
            raise TableError(
                f"{table.shown}: needs an `id` or a `name` column (columns are: {found}); "
                "use --map id=COLUMN"
            )
        self.where = [
            (require_column(table, c.column, f"--where {c}"), c) for c in options.where
        ] + [(i, c) for c in profile.rows if (i := find_column(table, c.column)) is not None]
        self.na = {word(token) for token in options.na}
        self.units = self._money_units()
        self.link_columns = [
            (i, kind, column)
            for column, kind in profile.links.items()
            if (i := find_column(table, column)) is not None
        ]
        self.dates = [
            (i, stage)
            for column, stage in profile.lifecycle_dates
            if (i := find_column(table, column)) is not None
        ]
        self.alias_columns = [
            i for column in profile.aliases if (i := find_column(table, column)) is not None
        ]
        self.interfaces = (
            [find_column(table, c) for c in profile.interfaces] if profile.interfaces else []
        )

    # --- cells -------------------------------------------------------------------------

    def _money_units(self) -> dict[str, HeaderUnit]:
        """Units of money columns from --scale or their headers (`Cost ($M)`), noted once."""
        units = {}
        for name in MONEY_FIELDS:
            for index in self.columns.get(name, []):
                header = self.table.columns[index]
                scale = self.options.scale
                unit = header_unit(header)
                given = scale.get(header, scale.get(name))
                if given is not None:
                    unit = HeaderUnit(given, unit.currency)
                elif unit.factor != 1.0 or unit.currency:
                    self.result.notes.append(
                        f"{self.table.shown}: column '{header}' read as {unit.describe()} "
                        f"(from its header; --scale '{header}=1' to read the values as they are)"
                    )
                units[header] = unit
                self.out.scaled = self.out.scaled or unit.factor != 1.0
        return units

    def keeps(self, record: Sequence[Any]) -> bool:
        """Whether a row passes --where (and the profile's own row filter).

        Conditions on the same column with `=` are alternatives (any may match); all
        other conditions must all hold.
        """
        allowed: dict[int, bool] = {}
        for index, condition in self.where:
            cell = str(record[index]).strip().lower()
            wanted = condition.value.strip().lower()
            if condition.negated:
                if cell == wanted:
                    return False
            else:
                allowed[index] = allowed.get(index, False) or cell == wanted
        return all(allowed.values())

    def values(self, record: Sequence[Any], name: str, location: Location) -> list[str]:
        """The cell of a field (first non-empty of its columns), mapped, split on `;`."""
        for index in self.columns.get(name, []):
            cells = self.clean(str(record[index]), name)
            if cells:
                return cells
        return []

    def clean(self, text: str, name: str) -> list[str]:
        """Not-known tokens dropped, values split on the separator, value maps applied."""
        parts = [text]
        if self.options.separator:
            parts = text.replace("\r", "\n").replace(self.options.separator, "\n").split("\n")
        out = []
        for part in parts:
            part = part.strip()
            if not part or word(part) in self.na:
                continue
            mapped = self.options.values.get(name, {}).get(word(part))
            if mapped is None:
                mapped = self.profile.values.get(name, {}).get(word(part), part)
            if mapped.strip() and word(mapped) not in self.na:
                out.append(mapped.strip())
        return out

    def one(self, record: Sequence[Any], name: str, location: Location) -> str:
        values = self.values(record, name, location)
        if not values:
            return ""
        distinct = list(dict.fromkeys(values))
        if len(distinct) > 1 and name in SPLIT_FIELDS:
            self.result.skip(
                f"{name}: several values ({'; '.join(distinct[:4])}); used the first, "
                f"'{distinct[0]}'",
                location,
                group=f"{name} has several values; the first is used",
            )
        if name not in SPLIT_FIELDS and len(values) > 1:
            return f"{self.options.separator} ".join(values)  # free text keeps its `;`
        return distinct[0]

    # --- rows --------------------------------------------------------------------------

    def read(self) -> None:
        for offset, record in enumerate(self.table.frame.itertuples(index=False, name=None)):
            location = self.table.location(offset)
            if not any(str(v).strip() for v in record):
                continue  # a blank row
            if offset == 0 and self.profile.label_row and self.is_label_row(record):
                continue
            if not self.keeps(record):
                self.result.filtered += 1
                continue
            self.row(record, location)

    def is_label_row(self, record: Sequence[Any]) -> bool:
        """Whether a row repeats the header as labels (`Display Name` under `displayName`)."""
        pairs = [
            (word(h), word(c))
            for h, c in zip(self.table.columns, record, strict=True)
            if str(c).strip()
        ]
        return bool(pairs) and sum(h == c for h, c in pairs) * 2 >= len(pairs)

    def row(self, record: Sequence[Any], location: Location) -> None:
        out, result = self.out, self.result
        raw_id = self.one(record, "id", location)
        name = self.one(record, "name", location) or raw_id
        name, changed = neutral_text(name)
        if changed:
            self._formula("name", location)
        base = slugify(raw_id or name)
        if not base:
            result.skip("row has no id or name with letters or digits; skipped", location)
            return
        key = raw_id or name
        if key in out.first_row:
            what = "id" if raw_id else "name (and no id)"
            first = out.first_row[key]
            where = f"row {first.line}" if first.file == location.file else str(first)
            result.skip(f"duplicate {what} '{key}' (first on {where}); row skipped", location)
            return
        out.first_row[key] = location
        system_id = unique_id(base, out.taken)
        if system_id != base:
            result.skip(
                f"id '{base}' is already taken; this row's system is '{system_id}'", location
            )
        fields: dict[str, Any] = {"id": system_id, "name": name or system_id, "options": []}
        self.read_fields(record, location, fields)
        out.rows[system_id] = (fields, location)
        extra = {str(record[i]).strip() for i in self.alias_columns} - {""}
        for alias in sorted({key, base, system_id} | extra):
            out.aliases.setdefault(alias, system_id)
            out.aliases.setdefault(alias.lower(), system_id)
        out.names.setdefault(name.lower(), []).append(system_id)
        self.read_links(record, location, system_id)

    # Complexity allowed: text fields, then parsed fields, then the lifecycle defaults; one pass
    # over a row.
    def read_fields(  # noqa: C901
        self, record: Sequence[Any], location: Location, fields: dict[str, Any]
    ) -> None:
        estimated = []
        for name in TEXT_FIELDS:
            text = self.one(record, name, location)
            text, changed = neutral_text(text)
            if changed:
                self._formula(name, location)
            if text:
                fields[name] = text
        for name, parse in PARSERS.items():
            if name == "lifecycle":
                continue
            text = self.one(record, name, location)
            if not text:
                continue
            try:
                fields[name] = parse(text)
            except ValueError as exc:
                self.result.skip(f"{name}: {exc}; left unset", location)
        stage = self.lifecycle(record, location)
        if stage:
            fields["lifecycle"] = stage
        if "criticality" not in fields:
            estimated.append("criticality")  # the default, medium, is an assumption
        if "lifecycle" not in fields and self.dates:
            stage = self.stage_from_dates(record, location)
            if stage:
                fields["lifecycle"] = stage
        self.read_money(record, location, fields)
        self.read_risk(record, location, fields)
        self.read_fit(record, location, fields)
        if estimated:
            fields["estimated"] = estimated

    def read_money(self, record: Sequence[Any], location: Location, fields: dict[str, Any]) -> None:
        row_currency = self.one(record, "currency", location).upper() or None
        for name in MONEY_FIELDS:
            for index in self.columns.get(name, []):
                cells = self.clean(str(record[index]), name)
                if not cells:
                    continue
                unit = self.units.get(self.table.columns[index], HeaderUnit())
                total, currency = 0.0, None
                try:
                    for cell in cells:
                        amount = parse_amount(cell)
                        factor = 1.0 if amount.suffixed else unit.factor
                        total += amount.value * factor
                        currency = amount.currency or currency
                except ValueError as exc:
                    self.result.skip(f"{name}: {exc}; left unset", location)
                    break
                currency = currency or unit.currency or row_currency
                fields[name] = total
                self.out.money.append(
                    MoneyCell(fields["id"], total, currency, str(record[index]).strip(), location)
                )
                break

    def read_risk(self, record: Sequence[Any], location: Location, fields: dict[str, Any]) -> None:
        risk: dict[str, int] = {}
        text = self.one(record, "legacy_risk", location)
        if text:
            try:
                risk.update(parse_risk(text))
            except ValueError as exc:
                self.result.skip(f"legacy_risk: {exc}; left unset", location)
        for dimension in RISK_DIMENSIONS:
            text = self.one(record, f"legacy_risk.{dimension}", location)
            if not text:
                continue
            try:
                risk[dimension] = score(text)
            except ValueError as exc:
                self.result.skip(f"legacy_risk.{dimension}: {exc}; left unset", location)
        if risk:
            fields["legacy_risk"] = risk

    def read_fit(self, record: Sequence[Any], location: Location, fields: dict[str, Any]) -> None:
        fit = {}
        for name, parse in (
            ("functional_fit", parse_functional_fit),
            ("technical_fit", parse_technical_fit),
        ):
            text = self.one(record, name, location)
            if not text:
                continue
            try:
                fit[name.split("_")[0]] = parse(text)
            except ValueError as exc:
                self.result.skip(f"{name}: {exc}; left unset", location)
        if fit:
            fields["fit"] = fit

    def lifecycle(self, record: Sequence[Any], location: Location) -> str | None:
        """The furthest stage any lifecycle column gives: statuses lag, so an Installed
        application whose operational status is Being Decommissioned is phasing out."""
        stages = []
        for index in self.columns.get("lifecycle", []):
            for text in self.clean(str(record[index]), "lifecycle")[:1]:
                try:
                    stages.append(parse_lifecycle(text))
                except ValueError as exc:
                    self.result.skip(f"lifecycle: {exc}; left unset", location)
        return max(stages, key=LIFECYCLES.index) if stages else None

    def stage_from_dates(self, record: Sequence[Any], location: Location) -> str | None:
        """The lifecycle phase current at the plan's start, from phase start dates."""
        as_of = first_month(self.options.as_of) if self.options.as_of else None
        current, dated = None, False
        for index, stage in self.dates:
            text = str(record[index]).strip()
            if not text or word(text) in self.na:
                continue
            try:
                begins = first_month(parse_period_text(text))
            except ValueError as exc:
                self.result.skip(f"{self.table.columns[index]}: {exc}; ignored", location)
                continue
            dated = True
            if as_of is None or begins <= as_of:
                current = stage
        if dated and current is None:
            return "planned"  # every phase starts after the plan does
        return current

    def read_links(self, record: Sequence[Any], location: Location, system_id: str) -> None:
        columns = [(i, LINK_KIND, LINK_KIND) for i in self.columns.get("depends_on", [])]
        for index, kind, relation in [*columns, *self.link_columns]:
            for target in self.clean(str(record[index]), "depends_on"):
                self.out.links.append(Link(system_id, target, kind, relation, location))
        if len(self.interfaces) == 2:
            provider, consumer = self.interfaces
            if provider is not None:
                for interface in self.clean(str(record[provider]), "interface"):
                    self.out.provides.setdefault(interface.lower(), []).append(system_id)
            if consumer is not None:
                for interface in self.clean(str(record[consumer]), "interface"):
                    self.out.consumes.append((system_id, interface.lower(), location))

    def _formula(self, name: str, location: Location) -> None:
        self.result.skip(
            f"{name}: starts like a spreadsheet formula (= + - @); imported without those "
            "leading characters",
            location,
            group=f"{name} starts like a spreadsheet formula; leading = + - @ dropped",
        )
