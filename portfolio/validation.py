"""Input validation with messages for a manager: each names the field and says what to fix.

Every service input passes through here: `validate` for a set of fields (an `Input` model), and the checks
below for the odd parameter (a reason, an id, a moment). The bounds are the same on SQLite and PostgreSQL, so
neither database ever sees a value it would store differently or refuse with an error of its own."""

import json
import math
import re
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Annotated, Any, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from portfolio.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", bound=Enum)

MAX_ID = 2**31 - 1  # PostgreSQL's integer
MAX_MEASURE = 1e12  # any KPI value, baseline or target, whatever its unit
MAX_MONEY = 1e10  # euros: far beyond any one use case's cost, far below where sums lose cents
EARLIEST_DAY, LATEST_DAY = date(1970, 1, 1), date(2100, 12, 31)
MAX_EXTRA_CHARS = 50_000  # a use case's extra attributes, as JSON (a register row can hold 20,000)
MAX_KEY_CHARS = 200  # register column names run to 199 characters

# Invisible characters that change what text looks like or how it is read: C0/C1 control characters (tab,
# line feed and carriage return are ordinary) and the bidirectional embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) that can make text display differently from what is stored.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")


def text_problem(value: str) -> str | None:
    """What is wrong with a piece of text that no database should store, if anything."""
    if "\x00" in value:
        return "contains a hidden null character (often from a copy-paste out of another program); retype it"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains broken characters that cannot be stored (often from a copy-paste); retype it"
    if found := _DIRECTION.search(value):
        return (
            f"contains an invisible text-direction character (U+{ord(found.group()):04X}), which makes text "
            "read differently from what is stored; retype it"
        )
    if found := _CONTROL.search(value):
        return f"contains an invisible control character (U+{ord(found.group()):04X}); retype it"
    return None


def nested_text_problem(value: Any) -> str | None:
    """text_problem for text anywhere inside lists and dicts (tags, overrides, extra attributes)."""
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, bytes | bytearray):
        # Raw bytes would be decoded silently; whoever sends them meant something else.
        return "must be text, not raw bytes"
    if isinstance(value, dict):
        items: list[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        return None
    for item in items:
        if problem := nested_text_problem(item):
            return problem
    return None


def shown(value: Any, limit: int = 40) -> str:
    """A value as a message quotes it: short, and in words for what is neither text, number nor date."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return "raw bytes"
    if isinstance(value, list | tuple | set | frozenset):
        return "a list"
    if isinstance(value, dict):
        return "a set of named values"
    if not (value is None or isinstance(value, str | int | float)):
        return "a value of another kind"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _not_a_bool(value: Any) -> Any:
    # Python counts True as 1; nobody typing a score or an amount means that.
    if isinstance(value, bool):
        raise PydanticCustomError("not_a_number", "a number, not yes or no")
    return value


def _sane_day(value: date) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise PydanticCustomError("day_out_of_range", "a date between 1970 and 2100")
    return value


def _json_value(value: Any) -> Any:
    """Extra attributes: plain JSON (text, finite numbers, yes/no, lists and objects), bounded in size."""
    if not isinstance(value, dict):
        raise PydanticCustomError("extra_shape", "a set of named values")

    def check(item: Any, depth: int) -> None:
        if depth > 4:
            raise PydanticCustomError("extra_shape", "nested at most four levels deep")
        if isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_CHARS:
                    raise PydanticCustomError("extra_shape", "names of 1 to 200 characters")
                check(inner, depth + 1)
        elif isinstance(item, list | tuple):
            for inner in item:
                check(inner, depth + 1)
        elif isinstance(item, float) and not math.isfinite(item):
            raise PydanticCustomError("extra_shape", "numbers that are finite")
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > 2**53:
            raise PydanticCustomError("extra_shape", "numbers below 9 million billion")
        elif not (item is None or isinstance(item, str | int | float | bool)):
            raise PydanticCustomError("extra_shape", "text, numbers, yes/no, lists and named values only")

    check(value, 0)
    if len(json.dumps(value, default=str)) > MAX_EXTRA_CHARS:
        raise PydanticCustomError("extra_shape", f"at most {MAX_EXTRA_CHARS:,} characters in all")
    return value


# Field types shared by the services' inputs.
Id = Annotated[int, BeforeValidator(_not_a_bool), Field(ge=1, le=MAX_ID)]
Day = Annotated[date, AfterValidator(_sane_day)]
Measure = Annotated[
    float, BeforeValidator(_not_a_bool), Field(allow_inf_nan=False, ge=-MAX_MEASURE, le=MAX_MEASURE)
]
Money = Annotated[float, BeforeValidator(_not_a_bool), Field(allow_inf_nan=False, ge=0, le=MAX_MONEY)]
Percent = Annotated[float, BeforeValidator(_not_a_bool), Field(allow_inf_nan=False, ge=0, le=100)]
Rating = Annotated[int, BeforeValidator(_not_a_bool), Field(ge=1, le=5)]
Tag = Annotated[str, Field(max_length=50)]
ItemKey = Annotated[str, Field(min_length=1, max_length=50)]
LongText = Annotated[str, Field(max_length=5_000)]
ExtraAttributes = Annotated[dict[str, Any], BeforeValidator(_json_value)]


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
                name: problem for name, value in data.items() if (problem := nested_text_problem(value))
            }
            if problems:
                raise ValueError(problems)
        return data


def label_of(model: type[BaseModel], field: str) -> str:
    info = model.model_fields.get(field)
    return (info.title if info and info.title else field.replace("_", " ").capitalize()) if field else "Input"


def _bound(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) >= 10_000:
        return f"{int(value):,}"
    return shown(value)


def _choices(model: type[BaseModel], field: str) -> str | None:
    """The labels a manager reads for a field that takes one of a vocabulary's values, if it does."""
    from portfolio.models.enums import LabelledEnum

    info = model.model_fields.get(field)
    for kind in (info.annotation, *get_args(info.annotation)) if info else ():
        if isinstance(kind, type) and issubclass(kind, LabelledEnum):
            labels = [member.label for member in kind]
            return ", ".join(labels[:-1]) + " or " + labels[-1]
    return None


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
    if kind == "too_long":
        return field, f"{label}: give at most {ctx.get('max_length')} of them."
    if kind == "string_type":
        return field, f"{label} must be text (got {shown(given)})."
    if kind in ("enum", "literal_error"):
        given_text = f" (got {shown(given)})" if isinstance(given, str) and given else ""
        choices = _choices(model, field) or ctx.get("expected", "the listed options")
        return field, f"{label}: choose one of {choices}{given_text}."
    if kind in ("finite_number", "not_a_number") or (isinstance(given, float) and not math.isfinite(given)):
        return field, f"{label} must be an ordinary number (got {shown(given)})."
    if kind in ("int_parsing", "float_parsing", "int_type", "float_type", "int_from_float"):
        whole = "a whole number" if kind.startswith("int") else "a number"
        return field, f"{label} must be {whole} (got {shown(given)})."
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()))
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        return field, f"{label} must be {words} {_bound(bound)} (got {_bound(given)})."
    if kind == "day_out_of_range":
        return field, f"{label} must be a date between 1970 and 2100 (got {given})."
    if kind.startswith(("date_", "datetime_")):
        return field, f"{label} must be a date such as 2026-03-31 (got {shown(given)})."
    if kind == "bool_parsing" or kind == "bool_type":
        return field, f"{label} must be yes or no (got {shown(given)})."
    if kind == "extra_forbidden":
        return field, f"{label} is not a field here; remove it."
    if kind == "extra_shape":
        return field, f"{label} must be {error['msg']}."
    if kind in ("list_type", "dict_type", "model_type", "set_type", "tuple_type"):
        return field, f"{label} has the wrong kind of value (got {shown(given)})."
    if kind == "value_error":
        return field, f"{label}: {ctx.get('error', error['msg'])}"
    return field, f"{label}: {error['msg']}."


def validate(model: type[M], data: Any) -> M:
    """Build `model` from `data` or raise InvalidInput listing every problem, one per field."""
    if not isinstance(data, dict):
        raise InvalidInput({"input": f"Expected a set of named fields, got {shown(data)}."})
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems: dict[str, str] = {}
        for item in error.errors():
            field, message = _message(model, item)
            problems.setdefault(field, message)
        raise InvalidInput(problems) from None
    except (
        TypeError,
        ValueError,
        OverflowError,
    ) as error:  # a validator meeting a value of a kind it never expected
        raise InvalidInput({"input": f"A value could not be read: {shown(str(error), 120)}."}) from None


class Reason(Input):
    """A free-text reason given with an action (a stage move, a stop)."""

    reason: str = Field(default="", title="Reason", max_length=5_000)


def reason_text(value: Any) -> str:
    """A checked, trimmed reason ('' when none was given)."""
    return validate(Reason, {"reason": value}).reason


def check_id(value: Any) -> bool:
    """Whether `value` can be a row id (so it is safe to look up on any database)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def check_key(value: Any) -> bool:
    """Whether `value` can be a use case key (so it is safe to look up on any database)."""
    return isinstance(value, str) and 0 < len(value) <= 20 and text_problem(value) is None


def choice(kind: type[E], value: Any, field: str, label: str) -> E:
    """`value` as one of an enumeration's members, or InvalidInput naming the choices."""
    try:
        return kind(value)
    except (ValueError, TypeError):
        names = ", ".join(getattr(member, "label", member.value) for member in kind)
        raise InvalidInput({field: f"{label}: choose one of {names} (got {shown(value)})."}) from None


def check_moment(value: Any, field: str, label: str) -> datetime | None:
    """A moment given to date an action (imports, the demo): timezone-aware, not in the future, after 1970."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput({field: f"{label} must be a date and time with its time zone."})
    if value.astimezone(UTC).date() < EARLIEST_DAY or value > datetime.now(UTC) + timedelta(minutes=5):
        raise InvalidInput({field: f"{label} must lie between 1970 and now (got {value:%Y-%m-%d})."})
    return value
