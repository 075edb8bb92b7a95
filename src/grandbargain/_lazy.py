"""Names of a package imported from its submodules on first use (PEP 562), so that importing
the package costs only what its caller uses (decision BL-12): e.g. `forecast` needs the
report package's tables but not its charts, the deals package's frontier but not its Genius
XML reader."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, namespace: dict[str, Any], where: Mapping[str, str]
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's `__getattr__` and `__dir__`: `where` maps each name to the submodule (of
    `package`) that defines it; a name is imported once, then kept in `namespace`."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *where})

    return __getattr__, __dir__
