"""What a Backstage entity tells its system: names, department, annotations, lifecycle.

The department is the owner rolled up the Group hierarchy (`spec.parent`) to the nearest
group whose `spec.type` is a department type; a User owner counts by its first `memberOf`
group; an owner not in the catalog by its name. Annotations `prioritiser/*` set fields; an
amount in another currency than the portfolio's is left unset and reported.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from prioritiser.inventory.importers.backstage_catalog import ANNOTATION, Entity, text
from prioritiser.inventory.importers.common import (
    ImportResult,
    neutral_text,
    parse_amount,
    parse_criticality,
    parse_period_text,
)
from prioritiser.inventory.importers.vocab import parse_lifecycle, parse_time_tag
from prioritiser.inventory.schema import LegacyRisk

DEPARTMENT_TYPES = ("department", "business-unit", "division", "directorate")
RISK_DIMENSIONS = tuple(LegacyRisk.model_fields)
PARSED = {
    "annual-run-cost": "annual_run_cost",
    "criticality": "criticality",
    "end-of-support": "end_of_support",
    "must-modernise-by": "must_modernise_by",
    "earliest-start": "earliest_start",
    "lifecycle": "lifecycle",
    "time": "time_tag",
}
PARSERS = {
    "criticality": parse_criticality,
    "end_of_support": parse_period_text,
    "must_modernise_by": parse_period_text,
    "earliest_start": parse_period_text,
    "lifecycle": parse_lifecycle,
    "time_tag": parse_time_tag,
}


_REF = re.compile(r"^(?:(?P<kind>[^:/]+):)?(?:(?P<namespace>[^:/]+)/)?(?P<name>[^:/]+)$")


def parse_ref(ref: str) -> tuple[str | None, str | None, str] | None:
    """`component:default/x` → ("component", "default", "x"); `x` → (None, None, "x")."""
    match = _REF.match(ref.strip())
    if not match:
        return None
    kind, namespace = match["kind"], match["namespace"]
    return (
        kind.strip().lower() if kind else None,
        namespace.strip().lower() if namespace else None,
        match["name"].strip(),
    )


class EntityFields:
    """Reads entities' fields; `Catalog` adds choosing, ids and dependencies."""

    entities: list[Entity]
    result: ImportResult
    by_name: dict[tuple[str, str], list[Entity]]
    department_types: tuple[str, ...] | None
    given_currency: str | None
    currency: str | None

    def _system_of(self, entity: Entity) -> Entity | None:
        ref = entity.spec.get("system")
        if not isinstance(ref, str):
            return None
        parsed = parse_ref(ref)
        if parsed is None:
            return None
        kind, namespace, name = parsed
        for candidate in self.by_name.get((namespace or entity.namespace, name.lower()), []):
            if candidate.kind_key == (kind or "system"):
                return candidate
        return None

    def fields(self, entity: Entity) -> dict[str, Any]:
        """The fields an entity gives its system (no id, options or dependencies)."""
        metadata = entity.metadata
        annotations = entity.annotations
        fields: dict[str, Any] = {}
        for name, value in (
            ("name", text(metadata.get("title")) or entity.name),
            ("description", text(metadata.get("description"))),
            ("department", self.department(entity, annotations)),
            ("owner", text(annotations.get(f"{ANNOTATION}owner"))),
            ("technology", self._technology(entity, annotations)),
        ):
            value, changed = neutral_text(value)
            if changed:
                self.result.skip(
                    f"{entity.ref}: {name} starts like a spreadsheet formula (= + - @); "
                    "imported without those leading characters",
                    entity.location("metadata"),
                )
            if value:
                fields[name] = value
        lifecycle = text(entity.spec.get("lifecycle"))
        if lifecycle:
            try:
                fields["lifecycle"] = parse_lifecycle(lifecycle)
            except ValueError as exc:
                self.result.skip(
                    f"{entity.ref}: {exc}; left unset", entity.location("spec", "lifecycle")
                )
        self._annotations(entity, annotations, fields)
        if "criticality" not in fields:
            fields["estimated"] = ["criticality"]
        return fields

    def _technology(self, entity: Entity, annotations: dict[str, Any]) -> str:
        technology = text(annotations.get(f"{ANNOTATION}technology"))
        tags = entity.metadata.get("tags")
        if not technology and isinstance(tags, list):
            technology = ", ".join(str(t) for t in tags if isinstance(t, str | int))
        return technology

    def department(self, entity: Entity, annotations: dict[str, Any]) -> str:
        explicit = text(annotations.get(f"{ANNOTATION}department"))
        if explicit:
            return explicit
        owner = self.roll_up(entity.spec.get("owner"), entity)
        if owner:
            return owner
        system = self._system_of(entity)
        if system is not None:
            owner = self.roll_up(system.spec.get("owner"), system)
            if owner:
                return owner
        return "Unassigned"

    def roll_up(self, owner: object, entity: Entity) -> str:
        """The department an owner belongs to, up the Group hierarchy; else its name."""
        if not isinstance(owner, str) or not owner.strip():
            return ""
        parsed = parse_ref(owner)
        if parsed is None:
            return owner.strip()
        kind, namespace, name = parsed
        matches = [
            e
            for e in self.by_name.get((namespace or entity.namespace, name.lower()), [])
            if e.kind_key == (kind or "group") or (kind is None and e.kind_key == "user")
        ]
        if not matches:
            return name
        group = matches[0]
        if group.kind_key == "user":
            member_of = _refs(group.spec.get("memberOf"))
            if not member_of or not isinstance(member_of[0], str):
                return name
            return self.roll_up(member_of[0], group) or name
        wanted = self.department_types or DEPARTMENT_TYPES
        seen: set[int] = set()
        current: Entity | None = group
        while current is not None and current.index not in seen:
            seen.add(current.index)
            if current.type in wanted:
                return current.name
            parent = current.spec.get("parent")
            parents = (
                [e for e in self._named(parent, current) if e.kind_key == "group"]
                if isinstance(parent, str)
                else []
            )
            current = parents[0] if parents else None
        return group.name

    def _named(self, ref: str, entity: Entity) -> list[Entity]:
        parsed = parse_ref(ref)
        if parsed is None:
            return []
        _, namespace, name = parsed
        return self.by_name.get((namespace or entity.namespace, name.lower()), [])

    def _annotations(
        self, entity: Entity, annotations: dict[str, Any], fields: dict[str, Any]
    ) -> None:
        for suffix, name in PARSED.items():
            key = f"{ANNOTATION}{suffix}"
            if key not in annotations or text(annotations[key]) == "":
                continue
            try:
                if name == "annual_run_cost":
                    amount = parse_amount(annotations[key])
                    if amount.currency and self.currency and amount.currency != self.currency:
                        raise ValueError(
                            f"{text(annotations[key])!r} is in {amount.currency}, the portfolio "
                            f"is in {self.currency} (import with --currency "
                            f"{amount.currency}, or convert); left unset"
                        )
                    fields[name] = amount.value
                else:
                    fields[name] = PARSERS[name](annotations[key])
            except ValueError as exc:
                self.result.skip(
                    f"{entity.ref}: annotation {key} ignored: {exc}",
                    entity.location("metadata", "annotations", key),
                )
        key = f"{ANNOTATION}legacy-risk"
        if text(annotations.get(key)):
            try:
                fields["legacy_risk"] = parse_legacy_risk(text(annotations[key]))
            except ValueError as exc:
                self.result.skip(
                    f"{entity.ref}: annotation {key} ignored: {exc}",
                    entity.location("metadata", "annotations", key),
                )

    def detect_currency(self) -> None:
        """The portfolio's currency: given, else the one most run-cost annotations name."""
        named: Counter[str] = Counter()
        key = f"{ANNOTATION}annual-run-cost"
        for entity in self.entities:
            value = entity.annotations.get(key)
            if value is None or text(value) == "":
                continue
            try:
                currency = parse_amount(value).currency
            except ValueError:
                continue
            if currency:
                named[currency] += 1
        self.currency = self.given_currency or (named.most_common(1)[0][0] if named else None)
        self.result.currency = self.currency


def parse_legacy_risk(value: str) -> dict[str, int]:
    """`security=5, skills=4` → {"security": 5, "skills": 4} (scores 1..5)."""
    scores: dict[str, int] = {}
    for part in re.split(r"[,;]", value):
        if not part.strip():
            continue
        name, _, score = part.partition("=")
        name = name.strip().lower()
        if name not in RISK_DIMENSIONS or not score.strip().isdigit() or not 1 <= int(score) <= 5:
            raise ValueError(
                f"{part.strip()!r} is not `dimension=score` with a dimension of "
                f"{', '.join(RISK_DIMENSIONS)} and a score 1..5"
            )
        scores[name] = int(score)
    return scores


def _refs(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
