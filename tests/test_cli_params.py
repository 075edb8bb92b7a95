"""The plain-type coercion (cli/_params.py) gives what Typer's own gives, value or error."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from grandbargain.cli import COMMANDS, load_command

_coercion = pytest.importorskip("typer._coercion")
if not hasattr(_coercion, "build_runtime_param"):  # pragma: no cover - Typer before 0.26
    pytest.skip("this Typer has no pydantic coercion layer", allow_module_level=True)

TEXTS = ["abc", "", "é中", " 5", "5 ", "0", "007", "+4", "-3", "42", "1e3", "1_000", "0x10",
         "99999999999999999999999", "-0", "0.5", "-1.25", "1.", ".5", "nan", "inf", "-inf",
         "1.0", "true", "False", "-", "x.yaml", "/tmp", "/nonexistent/dir/file.csv", "a\0b"]
OBJECTS = [3, -1, 0, True, 2.5, float("nan"), None, Path("a.yaml"), b"bytes", ["a", "b"],
           ("1", "2"), []]


def params():
    seen = set()
    for name in COMMANDS:
        command = load_command(name)
        for sub in (getattr(command, "commands", None) or {"": command}).values():
            for param in sub.params:
                if not hasattr(param, "type_descriptor"):
                    continue
                key = (repr(param.type_descriptor.annotation),
                       repr(vars(param.type_descriptor.parameter_info)))
                if key not in seen:
                    seen.add(key)
                    yield pytest.param(sub, param, id=f"{name}-{param.name}")


def outcome(runtime, value, param, ctx):
    try:
        out = runtime.coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # the error's kind and words are part of the behaviour
        return ("error", type(exc).__name__, str(exc))
    return ("value", type(out).__name__, repr(out))


@pytest.mark.parametrize(("command", "param"), list(params()))
def test_plain_coercion_matches_typer(command, param):
    from typer._click import Context

    descriptor = param.type_descriptor
    ours = typer.core.build_runtime_param(descriptor)
    theirs = _coercion.build_runtime_param(descriptor)
    ctx = Context(command)
    enums = [member for member in (descriptor.choices or ())]
    extra = [v for member in enums for v in (member, member.value, str(member.value).upper(),
                                            getattr(member, "name", ""))]
    for value in [*TEXTS, *OBJECTS, *extra]:
        assert outcome(ours, value, param, ctx) == outcome(theirs, value, param, ctx), value


def test_the_hook_is_installed_and_forecast_needs_no_pydantic():
    assert getattr(typer.core.build_runtime_param, "_grandbargain", False)
    from tests.test_cli_startup import imported_modules

    modules = imported_modules("forecast", "--bottom-line-draws", "0", "--model", "median",
                               "--format", "json", "--seed", "3")
    assert not {m for m in modules if m.split(".")[0] == "pydantic"}
