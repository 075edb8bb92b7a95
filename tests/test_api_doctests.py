"""The examples in the API's docstrings (its reference) run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

pytest.importorskip("pandas", reason="pandas is in the dev extra")

MODULES = ["grandbargain.api._scenario", "grandbargain.api._forecast",
           "grandbargain.api._commands", "grandbargain.api.ledger", "grandbargain.api.tariffs"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_every_public_function_shows_an_example():
    import grandbargain.api as api

    for module in (api, api.ledger, api.tariffs):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not isinstance(obj, type) and name not in ("verify", "entries",
                                                                               "score"):
                assert ">>>" in (obj.__doc__ or ""), f"{module.__name__}.{name} has no example"
