"""YAML in and out, keeping the line and column of every value for error messages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import yaml

from grandbargain.scenario._errors import Location, Problem, ScenarioError

_MAX_DEPTH = 60


class _Walker:
    def __init__(self, loader: yaml.SafeLoader, file: str):
        self.loader = loader
        self.file = file
        self.locator: dict[tuple, Location] = {}
        self.problems: list[Problem] = []

    def _loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def walk(self, node: yaml.Node, path: tuple) -> Any:
        if len(path) > _MAX_DEPTH:
            raise ScenarioError.single(self.file, f"nesting deeper than {_MAX_DEPTH} levels",
                                       line=node.start_mark.line + 1)
        self.locator.setdefault(path, self._loc(node))
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool | date | datetime) or key is None:
                    self.problems.append(Problem(self._loc(key_node), ".".join(map(str, path)),
                                                 "a key must be a plain word or number"))
                    continue
                if key in out:
                    self.problems.append(Problem(self._loc(key_node),
                                                 ".".join(map(str, (*path, key))),
                                                 f"duplicate key '{key}'"))
                    continue
                self.locator[(*path, key)] = self._loc(key_node)
                out[key] = self.walk(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, k)) for k, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)


def parse_yaml(text: str, file: str) -> tuple[Any, dict[tuple, Location]]:
    """Parse YAML text into plain data plus a map from each value's path to its location."""
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError.single(file, "the file holds no YAML document", line=1)
        walker = _Walker(loader, file)
        data = walker.walk(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ScenarioError.single(file, f"YAML syntax error: {what}", line=line,
                                   column=column) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError.single(file, f"YAML cannot hold the character {exc.character!r} "
                                   f"({exc.reason})", line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError.single(file, f"YAML error: {exc}") from None
    except RecursionError:
        raise ScenarioError.single(file, "the YAML nests too deeply to read") from None
    finally:
        if loader is not None:
            loader.dispose()
    if walker.problems:
        raise ScenarioError(walker.problems)
    return data, walker.locator


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """YAML text for plain data, keys in the given order, Unicode kept readable."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
