"""Typer's parameter coercion without pydantic for the plain cases (decision BL-12).

Typer 0.29 turns every command-line value into its Python type through a pydantic TypeAdapter
built per parameter: importing pydantic and building the adapters costs a fresh process about
0.1 s before a command starts. Our commands take only strings, paths, integers (some with a
lower bound), floats, flags, enums and lists of these, whose conversion is plain Python. So
`install()` puts a builder in front of Typer's: for those types a value that is already of the
type, or an ordinary spelling of it ("42", "-0.5", an enum's name, a file name), is converted
here to exactly what the adapter returns; anything else (an unusual spelling, a value out of
range, a bad choice, every other annotation, custom parsers) goes through Typer's own
coercion, built on first use, so every error message is Typer's own, word for word.

Older Typers (before 0.26, built on click's types) have no such layer and are left alone.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_FLOAT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class _Slow(Exception):
    """This value takes Typer's own coercion."""


def _str(value: Any) -> str:
    if type(value) is str:
        return value
    raise _Slow


def _bool(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise _Slow


def _number(kind: type, info: Any):
    spelled = _INT if kind is int else _FLOAT

    def convert(value: Any) -> Any:
        if type(value) is kind:
            number = value
        elif type(value) is str and spelled.fullmatch(value):
            number = kind(value)
        else:
            raise _Slow
        if number != number:  # NaN: leave its comparisons to the adapter
            raise _Slow
        if (info.min is not None and number < info.min) or (info.max is not None
                                                            and number > info.max):
            raise _Slow
        return number
    return convert


def _leaf(annotation: Any, info: Any):
    """A converter for one plain annotation (value, param, ctx) -> value, or None."""
    from typer._param_types import (
        coerce_cli_choice,
        coerce_cli_path,
        lenient_issubclass,
        routes_to_path,
    )

    if annotation is str:
        return lambda value, param, ctx: _str(value)
    if annotation is bool:
        return lambda value, param, ctx: _bool(value)
    if annotation in (int, float):
        convert = _number(annotation, info)
        return lambda value, param, ctx: convert(value)
    if lenient_issubclass(annotation, Enum):
        choices = list(annotation)
        return lambda value, param, ctx: coerce_cli_choice(
            value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx)
    if routes_to_path(annotation, info):
        path_type = info.path_type
        if path_type is None and lenient_issubclass(annotation, Path):
            path_type = annotation

        def path(value: Any, param: Any, ctx: Any) -> Any:
            if lenient_issubclass(path_type, Path) and not isinstance(value, path_type):
                if type(value) is not str or not value or "\0" in value:
                    raise _Slow
                value = path_type(value)  # what the adapter makes of a string
            return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)
        return path
    return None


def _converter(annotation: Any, info: Any):
    if info.parser is not None or info.clamp:
        return None
    if get_origin(annotation) is list:
        args = get_args(annotation)
        item = _leaf(args[0], info) if len(args) == 1 else None
        if item is None:
            return None
        return lambda value, param, ctx: [
            item(v, param, ctx) for v in (value if isinstance(value, list | tuple) else [value])]
    return _leaf(annotation, info)


def install() -> bool:
    """Put the plain-type coercion in front of Typer's; False where this Typer has no such
    layer (nothing to do)."""
    try:
        import typer.core as core
        from typer._coercion import RuntimeParam
    except ImportError:
        return False
    original = getattr(core, "build_runtime_param", None)
    if original is None or getattr(original, "_grandbargain", False):
        return original is not None

    class PlainParam(RuntimeParam):
        """Converts here when it can, else through Typer's own coercion (built once)."""

        def __init__(self, descriptor: Any, convert) -> None:
            super().__init__(parameter_info=descriptor.parameter_info,
                             annotation=descriptor.annotation)
            object.__setattr__(self, "_descriptor", descriptor)
            object.__setattr__(self, "_convert", convert)
            object.__setattr__(self, "_full", None)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return self._convert(value, param, ctx)
            except Exception:  # an error, or a spelling left to Typer: Typer's own words
                if self._full is None:
                    object.__setattr__(self, "_full", original(self._descriptor))
                return self._full._coerce_value(value, param, ctx)

    def build(descriptor: Any) -> Any:
        convert = None
        if descriptor.file_annotation is None:
            convert = _converter(descriptor.annotation, descriptor.parameter_info)
        return original(descriptor) if convert is None else PlainParam(descriptor, convert)

    build._grandbargain = True  # type: ignore[attr-defined]
    core.build_runtime_param = build
    return True
