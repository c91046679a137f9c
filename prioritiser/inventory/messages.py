"""Turn pydantic validation errors into located, human problems with did-you-mean hints."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from prioritiser.inventory.periods import FINANCIAL_YEAR_PATTERN, PERIOD_PATTERN
from prioritiser.inventory.problems import Problem
from prioritiser.inventory.raw import RawInventory
from prioritiser.inventory.schema import CURRENCY_PATTERN
from prioritiser.inventory.yamlsafe import Path_


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a close match exists, else an empty string."""
    matches = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def problems_from_validation(
    exc: ValidationError, model: type[BaseModel], base: Path_, raw: RawInventory
) -> list[Problem]:
    """One problem per pydantic error, located in the file the data came from."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if part != "[key]")
        is_key = "[key]" in error["loc"]
        path = base + loc
        if error["type"] == "missing":
            # A missing key has no line of its own: point at the mapping that lacks it.
            location = raw.location(path[:-1])
        else:
            location = raw.location(path)
        message = _message(error, model, loc, is_key)
        problems.append(Problem(message, location, raw.display(path)))
    return problems


# Complexity allowed: one branch per pydantic error type, each a sentence; a table would hide the
# wording.
def _message(error: Any, model: type[BaseModel], loc: Path_, is_key: bool) -> str:  # noqa: C901, PLR0912
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = _show(error.get("input"))
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        parent = _model_at(model, loc[:-1])
        fields = list(parent.model_fields) if parent else []
        hint = did_you_mean(key, fields)
        if not hint and fields:
            hint = f" (allowed: {', '.join(fields)})"
        return f"unknown key '{key}'{hint}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {
            "greater_than_equal": ("at least", "ge"),
            "greater_than": ("greater than", "gt"),
            "less_than_equal": ("at most", "le"),
            "less_than": ("less than", "lt"),
        }[kind]
        return f"must be {words[0]} {_show(ctx.get(words[1]))} (got {got})"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        choices = [c.strip() for c in expected.replace(" or ", ",").split(",") if c.strip()]
        hint = did_you_mean(str(error.get("input")), choices)
        return f"must be one of {expected} (got {got}){hint}"
    if kind == "string_pattern_mismatch":
        what = "a key" if is_key else "a value"
        if ctx.get("pattern") == PERIOD_PATTERN:
            return f"must be a period label YYYY-Qn, YYYY-MM or YYYY (got {got})"
        if ctx.get("pattern") == FINANCIAL_YEAR_PATTERN:
            return (
                "must be a financial year label YYYY-YY of the year it starts (YYYY when "
                f"financial years start in January) (got {got})"
            )
        if ctx.get("pattern") == CURRENCY_PATTERN:
            return f"must be a three-letter ISO 4217 currency code such as GBP (got {got})"
        return f"{what} must use lower-case letters, digits and '-' only (got {got})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        if isinstance(error.get("input"), float):
            got = repr(error["input"])
        return f"must be a whole number (got {got})"
    if kind == "value_error":
        return f"{ctx.get('error', error['msg'])} (got {got})"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"must be a finite number (got {got})"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false (got {got})"
    if kind in ("string_type", "str_type"):
        return f"must be text (got {got})"
    if kind == "list_type":
        return f"must be a list (got {got})"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of keys to values (got {got})"
    if kind == "value_error":  # a model's own cross-field rule: its sentence is the message
        return str(ctx.get("error") or error["msg"]).removeprefix("Value error, ")
    return f"{error['msg']} (got {got})"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _model_at(model: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """The model class that validates the value at `loc` inside `model`, if any."""
    current: Any = model
    for part in loc:
        current = _unwrap(current, part)
        if current is None:
            return None
    current = _unwrap(current, None)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any, part: str | int | None) -> Any:
    """Step from a type into the type of its element `part` (None: just strip wrappers)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            arms = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in arms if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else arms[0]
        else:
            break
    if part is None:
        return annotation
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    if origin in (list, tuple):
        return typing.get_args(annotation)[0]
    if origin is dict:
        return typing.get_args(annotation)[1]
    return None
