"""One text from a table of (English, 繁體中文) pairs, in a language, with its blanks filled."""

from __future__ import annotations

from collections.abc import Mapping


def say(words: Mapping[str, tuple[str, str]], key: str, lang: str = "en",
        **values: object) -> str:
    en, zh = words[key]
    return (zh if lang == "zh" else en).format(**values)
