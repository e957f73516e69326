"""Input validation with messages for a manager: each names the field and says what to fix."""

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from portfolio.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


def text_problem(value: str) -> str | None:
    """What is wrong with a piece of text that no database should store, if anything."""
    if "\x00" in value:
        return "contains a hidden null character (often from a copy-paste out of another program); retype it"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains broken characters that cannot be stored (often from a copy-paste); retype it"
    return None


class Input(BaseModel):
    """Base for service inputs: trims text, refuses unstorable text, forbids unknown fields."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", use_enum_values=True)

    @model_validator(mode="before")
    @classmethod
    def _prepare(cls, data: Any) -> Any:
        if isinstance(data, dict):
            # A blank optional field (None from a form or table) means "use the default".
            data = {
                name: value
                for name, value in data.items()
                if not (
                    value is None
                    and name in cls.model_fields
                    and not cls.model_fields[name].is_required()
                    and cls.model_fields[name].default is not None
                )
            }
            problems = {
                name: problem
                for name, value in data.items()
                if isinstance(value, str) and (problem := text_problem(value))
            }
            if problems:
                raise ValueError(problems)
        return data


def label_of(model: type[BaseModel], field: str) -> str:
    info = model.model_fields.get(field)
    return (info.title if info and info.title else field.replace("_", " ").capitalize()) if field else "Input"


def _message(model: type[BaseModel], error: dict[str, Any]) -> tuple[str, str]:
    field = str(error["loc"][0]) if error["loc"] else ""
    label = label_of(model, field)
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if (
        kind == "value_error"
        and isinstance(ctx.get("error"), ValueError)
        and isinstance(ctx["error"].args[0], dict)
    ):
        name, problem = next(iter(ctx["error"].args[0].items()))
        return name, f"{label_of(model, name)} {problem}."
    if (
        kind == "missing"
        or (kind == "string_too_short" and ctx.get("min_length") == 1)
        or (given is None and kind.endswith(("_type", "enum", "literal_error")))
    ):
        return field, f"{label} is required."
    if kind == "string_too_short":
        return field, f"{label} is too short: write at least {ctx['min_length']} characters."
    if kind == "string_too_long":
        length = len(given) if isinstance(given, str) else 0
        return field, f"{label} is too long: keep it to {ctx['max_length']:,} characters (it has {length:,})."
    if kind in ("enum", "literal_error"):
        return field, f"{label}: choose one of {ctx.get('expected', 'the listed options')}."
    if kind in ("int_parsing", "float_parsing", "int_type", "float_type", "int_from_float"):
        whole = "a whole number" if kind.startswith("int") else "a number"
        return field, f"{label} must be {whole} (got {given!r})."
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()))
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        return field, f"{label} must be {words} {bound} (got {given})."
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return field, f"{label} must be a date such as 2026-03-31 (got {given!r})."
    if kind == "bool_parsing":
        return field, f"{label} must be yes or no (got {given!r})."
    if kind == "extra_forbidden":
        return field, f"{label} is not a field here; remove it."
    if kind == "value_error":
        return field, f"{label}: {ctx.get('error', error['msg'])}"
    return field, f"{label}: {error['msg']}."


def validate(model: type[M], data: dict[str, Any]) -> M:
    """Build `model` from `data` or raise InvalidInput listing every problem, one per field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems: dict[str, str] = {}
        for item in error.errors():
            field, message = _message(model, item)
            problems.setdefault(field, message)
        raise InvalidInput(problems) from None
