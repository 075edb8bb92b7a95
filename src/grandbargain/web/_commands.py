"""A run's options as the command line of the CLI command that makes its document.

A run of kind K makes exactly the document `grandbargain K ... --format json` prints (the same
builders, the same defaults): the options are that command's own, by name, checked by the
command's own parser when the run is asked for. Options that name files or places on the server
(--out, --png, --events, --capabilities, --scheduler, --workers) are not the client's to set.
"""

from __future__ import annotations

from typing import Any

KINDS = ("forecast", "rounds", "exchanges", "deals", "simulate", "report")
SERVER_OWNED = {"out", "fmt", "png", "events", "capabilities", "capability_column", "scheduler",
                "workers", "progress", "input_format", "scenario", "help", "ctx"}


class OptionError(ValueError):
    """A run option the command does not take, or a value its parser refuses."""


def _command(kind: str) -> Any:
    from grandbargain.cli import load_command

    return load_command(kind)


def known_options(kind: str) -> dict[str, Any]:
    """The command's client-settable options by Python name (dashes accepted too)."""
    return {p.name: p for p in _command(kind).params
            if p.param_type_name == "option" and p.name not in SERVER_OWNED}


def _long(names: list[str]) -> str:
    return next((n for n in names if n.startswith("--")), names[0])


def option_args(kind: str, options: dict[str, Any], seed: int | None) -> list[str]:
    """The command-line words for `options` (and --seed); raises OptionError naming the
    option and what is wrong."""
    if kind not in KINDS:
        raise OptionError(f"unknown run kind {kind!r} (known: {', '.join(KINDS)})")
    params = known_options(kind)
    merged = dict(options or {})
    if seed is not None:
        if "seed" not in params:
            raise OptionError(f"{kind} takes no seed")
        merged["seed"] = seed
    args: list[str] = []
    for raw, value in merged.items():
        name = str(raw).lstrip("-").replace("-", "_")
        param = params.get(name)
        if param is None:
            raise OptionError(f"{kind} has no option {raw!r} (known: "
                              f"{', '.join(sorted(params))})")
        if value is None:
            continue
        if param.is_flag:
            if not isinstance(value, bool):
                raise OptionError(f"option {name}: expected true or false")
            if value:
                args.append(_long(param.opts))
            elif param.secondary_opts:
                args.append(_long(param.secondary_opts))
            continue
        values = value if isinstance(value, list) else [value]
        if len(values) > 1 and not param.multiple:
            raise OptionError(f"option {name}: takes one value")
        for item in values:
            if isinstance(item, dict | list):
                raise OptionError(f"option {name}: expected a number or text")
            text = str(item).lower() if isinstance(item, bool) else str(item)
            args += [_long(param.opts), text]
    return args


def check_args(kind: str, args: list[str]) -> None:
    """Parse the words with the command's own parser (types, ranges, choices), running
    nothing; its message becomes the OptionError."""
    command = _command(kind)
    try:
        command.make_context(kind, ["scenario", *args], resilient_parsing=False)
    except Exception as exc:
        message = exc.format_message() if hasattr(exc, "format_message") else None
        if message is None:
            raise
        raise OptionError(message) from None
