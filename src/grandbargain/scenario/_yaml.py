"""YAML in and out, keeping the line and column of every value for error messages.

Reading composes the node tree with libyaml's C parser where PyYAML has it (the pure-Python
parser otherwise): composed nodes keep their start marks, so every value is still located to its
line and column, and the plain data is built here from the nodes. Aliases are limited: a file
whose aliases would expand it by more than `MAX_ALIAS_VALUES` values, or that uses more than
`MAX_ALIAS_USES` aliases, is refused with the location of the alias that crossed the limit (an
"alias bomb" would otherwise take minutes and gigabytes).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from grandbargain.scenario._errors import Location, Problem, ScenarioError

_MAX_DEPTH = 60
MAX_ALIAS_USES = 10_000
MAX_ALIAS_VALUES = 100_000
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_KEY_TYPES = (str, int, float, bool, date, datetime)

def _loader_on(base: type) -> type:
    class Loader(base):  # type: ignore[misc,valid-type]
        """The safe loader resolving each distinct plain scalar once: a large scenario repeats
        the same keys and numbers many times."""

        def __init__(self, stream: str):
            super().__init__(stream)
            self._resolved: dict[tuple, str] = {}
            self.saw_merge = False

        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            if kind is ScalarNode:
                key = (value, implicit)
                tag = self._resolved.get(key)
                if tag is None:
                    tag = self._resolved[key] = super().resolve(kind, value, implicit)
                    self.saw_merge = self.saw_merge or tag == _MERGE
                return tag
            return super().resolve(kind, value, implicit)

        # The safe loader registers no path resolvers: skip the per-node bookkeeping.
        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

    return Loader


PURE_LOADER: type = _loader_on(yaml.SafeLoader)
LOADER: type = _loader_on(getattr(yaml, "CSafeLoader", yaml.SafeLoader))
"""The loader that composes nodes: libyaml's where PyYAML was built with it (`yaml.CSafeLoader`),
else the pure-Python one; both give the same values and locations (tested)."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    Reading a large scenario creates a million nodes and values; with the collector on, its
    repeated full passes over the growing heap cost several times the parse itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Walker:
    def __init__(self, loader: Any, file: str):
        self.loader = loader
        self.file = file
        self.constructors = loader.yaml_constructors
        self.locator: dict[tuple, Location] = {}
        self.problems: list[Problem] = []
        self.walked: set[int] = set()
        self.open: set[int] = set()
        self.sizes: dict[int, int] = {}
        self.alias_uses = 0
        self.alias_values = 0
        self.constructed: dict[tuple[str, str], Any] = {}

    def _loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def _fail(self, path: tuple, message: str, node: yaml.Node) -> ScenarioError:
        where = self.locator.get(path) or self._loc(node)
        return ScenarioError([Problem(where, ".".join(map(str, path)), message)])

    def _size(self, node: yaml.Node, path: tuple) -> int:
        """How many values the node expands to, aliases followed (memoised, loops refused)."""
        if node.__class__ is ScalarNode:
            return 1
        ident = id(node)
        known = self.sizes.get(ident)
        if known is not None:
            if known < 0:
                raise self._fail(path, "an alias refers to a value that contains it (a loop)",
                                 node)
            return known
        self.sizes[ident] = -1
        if node.__class__ is MappingNode:
            total = 1 + sum(self._size(k, path) + self._size(v, path) for k, v in node.value)
        else:
            total = 1 + sum(self._size(item, path) for item in node.value)
        self.sizes[ident] = total
        return total

    def _count_alias(self, node: yaml.Node, path: tuple) -> None:
        self.alias_uses += 1
        self.alias_values += self._size(node, path)
        if self.alias_uses > MAX_ALIAS_USES:
            raise self._fail(path, f"more than {MAX_ALIAS_USES:,} alias uses (*name); write the "
                             "values out or use fewer aliases", node)
        if self.alias_values > MAX_ALIAS_VALUES:
            raise self._fail(path, f"aliases (*name) here expand the file by more than "
                             f"{MAX_ALIAS_VALUES:,} values; write the values out or use fewer "
                             "aliases", node)

    def scalar(self, node: ScalarNode, path: tuple) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        key = (tag, node.value)
        if key in self.constructed:  # numbers, booleans and nulls: immutable, built once
            return self.constructed[key]
        constructor = self.constructors.get(tag) or self.constructors[None]
        try:
            value = constructor(self.loader, node)
        except (ValueError, OverflowError) as exc:
            what = "date" if tag == _TIMESTAMP else "value"
            detail = str(exc).replace("day is out of range for month",
                                      "no such day in that month")
            raise self._fail(path, f"'{node.value}' is not a valid {what} ({detail})",
                             node) from None
        if value is None or value.__class__ in (int, float, bool):
            self.constructed[key] = value
        return value

    def walk(self, node: yaml.Node, path: tuple) -> Any:
        if node.__class__ is ScalarNode:
            if path not in self.locator:
                self.locator[path] = self._loc(node)
            return self.scalar(node, path)
        if path not in self.locator:
            self.locator[path] = self._loc(node)
        if len(path) > _MAX_DEPTH:
            raise ScenarioError.single(self.file, f"nesting deeper than {_MAX_DEPTH} levels",
                                       line=node.start_mark.line + 1)
        ident = id(node)
        if ident in self.open:
            raise self._fail(path, "an alias refers to a value that contains it (a loop)", node)
        if ident in self.walked:
            self._count_alias(node, path)
        else:
            self.walked.add(ident)
        self.open.add(ident)
        try:
            if node.__class__ is MappingNode:
                return self._mapping(node, path)
            return self._sequence(node, path)
        finally:
            self.open.discard(ident)

    def _sequence(self, node: SequenceNode, path: tuple) -> list:
        out = []
        for k, item in enumerate(node.value):
            if item.__class__ is not ScalarNode and id(item) in self.walked:
                # An alias: its node stands where its anchor is; point at the list using it.
                self.locator[(*path, k)] = self.locator[path]
            out.append(self.walk(item, (*path, k)))
        return out

    def _mapping(self, node: MappingNode, path: tuple) -> dict:
        merges = ([value for key, value in node.value if key.tag == _MERGE]
                  if self.loader.saw_merge else ())
        pairs = node.value
        if merges:
            for value in merges:
                self._count_alias(value, path)
            own = len(node.value) - len(merges)
            self.loader.flatten_mapping(node)  # merged pairs first, then the mapping's own
            split = len(node.value) - own
            pairs = node.value[split:]
            own_keys = {self.scalar(k, path) for k, _ in pairs if k.__class__ is ScalarNode}
            merged: dict[Any, tuple] = {}
            for key_node, value_node in node.value[:split]:  # later merged mappings win
                key = self.scalar(key_node, path) if key_node.__class__ is ScalarNode else None
                if key not in own_keys:
                    merged[key] = (key_node, value_node)
            pairs = [*merged.values(), *pairs]
        out: dict[Any, Any] = {}
        locator, file, scalar = self.locator, self.file, self.scalar
        for key_node, value_node in pairs:
            if key_node.tag == _STR:
                key = key_node.value
            else:
                key = scalar(key_node, path) if key_node.__class__ is ScalarNode else None
                if not isinstance(key, _KEY_TYPES):
                    self.problems.append(Problem(self._loc(key_node), ".".join(map(str, path)),
                                                 "a key must be a plain word or number"))
                    continue
            child = (*path, key)
            if key in out:
                self.problems.append(Problem(self._loc(key_node), ".".join(map(str, child)),
                                             f"duplicate key '{key}'"))
                continue
            mark = key_node.start_mark
            locator[child] = Location(file, mark.line + 1, mark.column + 1)
            if value_node.__class__ is ScalarNode:
                out[key] = value_node.value if value_node.tag == _STR else scalar(value_node, child)
            else:
                out[key] = self.walk(value_node, child)
        return out


def parse_yaml(text: str, file: str, loader_class: type | None = None
               ) -> tuple[Any, dict[tuple, Location]]:
    """Parse YAML text into plain data plus a map from each value's path to its location."""
    loader = None
    try:
        with gc_paused():
            loader = (loader_class or LOADER)(text)
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
