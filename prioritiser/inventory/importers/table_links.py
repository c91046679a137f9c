"""Finish a table import: dependencies resolved by id or name, then typed systems.

Dependencies come from three places: a `depends_on` column (or a profile's relation
columns, like LeanIX's `relToRequires`) in the systems table; interfaces one system
provides and another consumes; and dependency tables with `system, depends_on, kind,
constraint` (or a profile's columns, like ServiceNow's `parent, child, type`). A relation
without a constraint takes the one `--relation TYPE=CONSTRAINT` or the profile gives its
type; a type neither knows is `after` for plain tables and skipped for vendor exports.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from prioritiser.inventory.importers.columns import (
    CONSTRAINTS,
    DEPENDENCY_FIELDS,
    TableOptions,
    resolve_fields,
)
from prioritiser.inventory.importers.common import ImportResult, Mapped, slugify
from prioritiser.inventory.importers.table_import import GENERIC, Profile, RowReader
from prioritiser.inventory.importers.table_state import (
    Collected,
    Link,
    check_plausible,
    settle_currency,
)
from prioritiser.inventory.importers.tables import Table, TableError
from prioritiser.inventory.importers.vocab import word
from prioritiser.inventory.messages import did_you_mean
from prioritiser.inventory.problems import Location
from prioritiser.inventory.schema import Dependency, System


def import_tables(
    systems: Table | Sequence[Table],
    dependencies: Table | Sequence[Table] | None = None,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    options: TableOptions | None = None,
    profile: Profile = GENERIC,
) -> ImportResult:
    """Map systems tables (several files or sheets make one estate) and dependency tables."""
    tables = [systems] if isinstance(systems, Table) else list(systems)
    deps = [dependencies] if isinstance(dependencies, Table) else list(dependencies or [])
    options = options or TableOptions(mapping=mapping or {})
    result = ImportResult(source or ", ".join(t.shown for t in tables))
    collected = Collected()
    for table in tables:
        RowReader(table, options, profile, result, collected).read()
    for name, ids in collected.names.items():
        if len(ids) == 1:
            collected.aliases.setdefault(name, ids[0])
    settle_currency(collected, options, result)
    check_plausible(collected, result, tables[0].shown)
    links = Linker(collected, options, profile, result)
    for link in collected.links:
        links.add(link)
    links.add_interfaces()
    for table in deps:
        links.read_table(table)
    for system_id, (fields, location) in collected.rows.items():
        fields["depends_on"] = links.by_system.get(system_id, [])
        try:
            system = System.model_validate(fields)
        except ValidationError as exc:  # pragma: no cover - every field is parsed above
            result.skip(f"not imported: {exc.errors()[0]['msg']}", location)
            continue
        result.systems.append(system)
        result.mapped.append(Mapped(system.id, location, "row"))
    return result


class Linker:
    """Dependencies by consumer, deduplicated, each from a located row or cell."""

    def __init__(
        self, collected: Collected, options: TableOptions, profile: Profile, result: ImportResult
    ):
        self.collected = collected
        self.options = options
        self.profile = profile
        self.result = result
        self.by_system: dict[str, list[Dependency]] = {}
        self.seen: dict[tuple[str, str], Location] = {}

    def resolve(self, value: str) -> str | None:
        aliases = self.collected.aliases
        return aliases.get(value) or aliases.get(slugify(value)) or aliases.get(value.lower())

    def constraint(self, link: Link, given: str) -> str | None:
        """The constraint of a relation: given, else by its type; None when skipped."""
        location, kind = link.location, link.relation
        if given:
            constraint = given.lower()
            if constraint not in CONSTRAINTS:
                self.result.skip(
                    f"constraint '{given}' is not one of {', '.join(CONSTRAINTS)}"
                    f"{did_you_mean(constraint, CONSTRAINTS)}; dependency skipped",
                    location,
                )
                return None
            return constraint
        keys = (word(link.relation), word(link.kind))
        mapped = next(
            (self.options.relations[k] for k in keys if k in self.options.relations), None
        )
        mapped = mapped or next(
            (
                self.profile.relation_constraints[k]
                for k in keys
                if k in self.profile.relation_constraints
            ),
            None,
        )
        constraint = mapped or self.profile.unknown_relation
        if constraint == "skip":
            hint = "" if mapped else f" (add --relation '{kind}=after' to plan with it)"
            self.result.skip(
                f"relation type '{kind}' is not planned with{hint}; skipped",
                location,
                group=f"relation type '{kind}' is not planned with; skipped",
            )
            return None
        return constraint

    def add(self, link: Link, given: str = "") -> None:
        provider = self.resolve(link.target)
        if provider is None:
            hint = did_you_mean(slugify(link.target), set(self.collected.aliases.values()))
            self.result.skip(
                f"depends_on: unknown system '{link.target}'{hint}; dependency skipped",
                link.location,
                group="names a system that is not imported (another kind of CI, or a row "
                "filtered out); dependency skipped",
            )
            return
        constraint = self.constraint(link, given or link.constraint)
        if constraint is None:
            return
        consumer = link.system
        if consumer == provider:
            self.result.skip(f"'{consumer}' depends on itself; skipped", link.location)
            return
        if (consumer, provider) in self.seen:
            first = self.seen[(consumer, provider)]
            if first == link.location:
                return  # two relation columns of one row name the same system: one link
            where = f"row {first.line}" if first.file == link.location.file else str(first)
            self.result.skip(
                f"duplicate dependency {consumer} → {provider} (first on {where}); skipped",
                link.location,
            )
            return
        self.seen[(consumer, provider)] = link.location
        # `constraint` is one of CONSTRAINTS (checked by `constraint()`), so the Literal holds.
        self.by_system.setdefault(consumer, []).append(
            Dependency(system=provider, kind=link.kind, constraint=constraint)  # type: ignore[arg-type]
        )
        self.result.dependencies += 1

    def add_interfaces(self) -> None:
        """A system consuming an interface another provides depends on it (informational)."""
        for consumer, interface, location in self.collected.consumes:
            for provider in self.collected.provides.get(interface, []):
                if provider != consumer and (consumer, provider) not in self.seen:
                    self.add(Link(consumer, provider, "interface", "interface", location, "none"))

    def read_table(self, table: Table) -> None:
        """Dependencies from a table of `system, depends_on, kind, constraint` rows."""
        columns = resolve_fields(
            table, DEPENDENCY_FIELDS, self.options.mapping, self.profile.dependency_candidates
        )
        missing = [f for f in ("system", "depends_on") if f not in columns]
        if missing:
            found = ", ".join(table.columns)
            raise TableError(
                f"{table.shown}: needs columns {' and '.join(missing)} (columns are: {found}); "
                f"use --map {missing[0]}=COLUMN"
            )
        for offset, record in enumerate(table.frame.itertuples(index=False, name=None)):
            location = table.location(offset)
            cells = {f: str(record[i[0]]).strip() for f, i in columns.items()}
            if not any(cells.values()):
                continue
            ends = [cells.get("system", ""), cells.get("depends_on", "")]
            if not all(ends):
                lacking = "system" if not ends[0] else "depends_on"
                self.result.skip(f"dependency without `{lacking}`; skipped", location)
                continue
            consumer = self.resolve(ends[0])
            if consumer is None:
                hint = did_you_mean(slugify(ends[0]), set(self.collected.aliases.values()))
                self.result.skip(
                    f"system: unknown system '{ends[0]}'{hint}; dependency skipped",
                    location,
                    group="names a system that is not imported (another kind of CI, or a row "
                    "filtered out); dependency skipped",
                )
                continue
            relation = cells.get("kind") or "uses"
            kind = slugify(relation.split("::")[0]) or "uses"
            link = Link(consumer, ends[1], kind, relation, location)
            self.add(link, cells.get("constraint", ""))
