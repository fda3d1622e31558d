"""The file format's fields, declared once.

Each field both checks a JSON value (raising a :class:`BpsimError` with its
JSON path) and describes itself as JSON Schema, so the validator and the
shipped schema (``resources/bpsim.schema.json``) cannot drift apart.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from ..errors import BpsimError
from .limits import too_long, too_many

ID_PATTERN = r"^[A-Za-z0-9_-]+$"
_ID_RE = re.compile(ID_PATTERN)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


class Field:
    description = ""

    def check(self, value: Any, path: str) -> Any:
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError


@dataclass
class Number(Field):
    minimum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    description: str = ""

    def check(self, value, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BpsimError(f"expected a number, got {_type_name(value)}", path)
        try:
            value = float(value)
        except OverflowError:   # an integer written with hundreds of digits
            value = math.inf
        if not math.isfinite(value):
            raise BpsimError("expected a finite number", path)
        if self.minimum is not None and value < self.minimum:
            raise BpsimError(f"must be >= {self.minimum:g}, got {value:g}", path)
        if self.exclusive_minimum is not None and value <= self.exclusive_minimum:
            raise BpsimError(f"must be > {self.exclusive_minimum:g}, got {value:g}", path)
        if self.exclusive_maximum is not None and value >= self.exclusive_maximum:
            raise BpsimError(f"must be < {self.exclusive_maximum:g}, got {value:g}", path)
        return value

    def schema(self):
        s: dict = {"type": "number"}
        if self.minimum is not None:
            s["minimum"] = self.minimum
        if self.exclusive_minimum is not None:
            s["exclusiveMinimum"] = self.exclusive_minimum
        if self.exclusive_maximum is not None:
            s["exclusiveMaximum"] = self.exclusive_maximum
        return s


@dataclass
class Integer(Field):
    minimum: int | None = None
    maximum: int | None = None
    noun: str = "items"         # what it counts, for the message past ``maximum``
    description: str = ""

    def check(self, value, path):
        written = value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise BpsimError(f"expected an integer, got {_type_name(value)} {value!r}"
                             if isinstance(value, float) else
                             f"expected an integer, got {_type_name(value)}", path)
        if self.minimum is not None and value < self.minimum:
            raise BpsimError(f"must be >= {self.minimum}, got {value}", path)
        if self.maximum is not None and value > self.maximum:
            # as the file wrote it: 1e+300, not 301 digits
            raise too_many(self.noun, written, self.maximum, path)
        return value

    def schema(self):
        s: dict = {"type": "integer"}
        if self.minimum is not None:
            s["minimum"] = self.minimum
        if self.maximum is not None:
            s["maximum"] = self.maximum
        return s


@dataclass
class Choice(Field):
    choices: tuple[str, ...]
    what: str = "value"
    description: str = ""

    def check(self, value, path):
        if not isinstance(value, str):
            raise BpsimError(f"expected a string, got {_type_name(value)}", path)
        if value not in self.choices:
            raise BpsimError(f'unknown {self.what} "{value}" (one of: {", ".join(self.choices)})',
                             path)
        return value

    def schema(self):
        return {"enum": list(self.choices)}


@dataclass
class Text(Field):
    max_length: int | None = None
    description: str = ""

    def check(self, value, path):
        if not isinstance(value, str):
            raise BpsimError(f"expected a string, got {_type_name(value)}", path)
        if self.max_length is not None and len(value) > self.max_length:
            raise too_long(len(value), self.max_length, path)
        return value

    def schema(self):
        s: dict = {"type": "string"}
        if self.max_length is not None:
            s["maxLength"] = self.max_length
        return s


@dataclass
class Identifier(Field):
    description: str = ""

    def check(self, value, path):
        if not isinstance(value, str):
            raise BpsimError(f"expected a node id string, got {_type_name(value)}", path)
        if not _ID_RE.fullmatch(value):
            raise BpsimError(f'invalid id "{value}": use letters, digits, "_" and "-"', path)
        return value

    def schema(self):
        return {"type": "string", "pattern": ID_PATTERN}


@dataclass
class Boolean(Field):
    description: str = ""

    def check(self, value, path):
        if not isinstance(value, bool):
            raise BpsimError(f"expected true or false, got {_type_name(value)}", path)
        return value

    def schema(self):
        return {"type": "boolean"}


@dataclass
class Nullable(Field):
    inner: Field
    description: str = ""

    def check(self, value, path):
        return None if value is None else self.inner.check(value, path)

    def schema(self):
        return {"anyOf": [self.inner.schema(), {"type": "null"}]}


@dataclass
class Either(Field):
    """A value that may take one of several forms (tried in order)."""

    options: tuple[Field, ...]
    expected: str
    description: str = ""

    def check(self, value, path):
        for option in self.options:
            try:
                return option.check(value, path)
            except BpsimError:
                continue
        # As the file wrote it ("half", true), not as Python would ('half', True)
        raise BpsimError(f"expected {self.expected}, got {json.dumps(value)}", path)

    def schema(self):
        return {"anyOf": [o.schema() for o in self.options]}


@dataclass
class ListOf(Field):
    item: Field
    length: int | None = None
    min_length: int = 0
    max_length: int | None = None
    noun: str = "items"         # what the items are, for the message past ``max_length``
    description: str = ""

    def check(self, value, path):
        if not isinstance(value, list):
            raise BpsimError(f"expected a list, got {_type_name(value)}", path)
        if self.length is not None and len(value) != self.length:
            raise BpsimError(f"expected {self.length} items, got {len(value)}", path)
        if len(value) < self.min_length:
            raise BpsimError(f"expected at least {self.min_length} item(s)", path)
        # before the items: a list past its limit costs nothing to refuse
        if self.max_length is not None and len(value) > self.max_length:
            raise too_many(self.noun, len(value), self.max_length, path)
        return [self.item.check(v, f"{path}[{i}]") for i, v in enumerate(value)]

    def schema(self):
        s: dict = {"type": "array", "items": self.item.schema()}
        if self.length is not None:
            s["minItems"] = s["maxItems"] = self.length
        elif self.min_length:
            s["minItems"] = self.min_length
        if self.max_length is not None:
            s["maxItems"] = self.max_length
        return s


@dataclass
class FreeObject(Field):
    description: str = ""

    def check(self, value, path):
        if not isinstance(value, dict):
            raise BpsimError(f"expected an object, got {_type_name(value)}", path)
        return value

    def schema(self):
        return {"type": "object"}


def check_object(value: Any, path: str, fields: dict[str, Field],
                 required: tuple[str, ...] = ()) -> dict:
    """Check an object's keys against ``fields``; returns the checked values."""
    if not isinstance(value, dict):
        raise BpsimError(f"expected an object, got {_type_name(value)}", path or "$")
    prefix = f"{path}." if path else ""
    for key in required:
        if key not in value:
            raise BpsimError(f'missing required field "{key}"', path or "$")
    out = {}
    for key, v in value.items():
        if key not in fields:
            raise BpsimError(f'unknown field "{key}"', f"{prefix}{key}")
        out[key] = fields[key].check(v, f"{prefix}{key}")
    return out


def object_schema(fields: dict[str, Field], required: tuple[str, ...] = ()) -> dict:
    s: dict = {"type": "object", "additionalProperties": False,
               "properties": {k: f.schema() for k, f in fields.items()}}
    for key, f in fields.items():
        if f.description:
            s["properties"][key]["description"] = f.description
    if required:
        s["required"] = list(required)
    return s


@dataclass
class Obj(Field):
    """A nested object with its own fields."""

    fields: dict[str, Field]
    required: tuple[str, ...] = ()
    description: str = ""

    def check(self, value, path):
        return check_object(value, path, self.fields, self.required)

    def schema(self):
        return object_schema(self.fields, self.required)
