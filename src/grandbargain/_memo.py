"""A results cache for the command line: pure, costly computations kept on disk by their inputs.

The models and the bottom line are pure functions, so their results can be kept and reused when
the same inputs come again (the default `grandbargain forecast`, run again and again, is the
common case). Off unless a command turns it on for its run with `with caching():` (the
library itself never writes to disk); `memo(kind, parts, compute)` then returns the kept result
of `compute()` for these inputs, or computes and keeps it.

Keys: SHA-256 of the kind, the inputs (arrays by dtype, shape and bytes; other values by repr)
and the code: the name, size and modification time of every .py file of the package, so that any
change of the code starts afresh. Where: $GRANDBARGAIN_CACHE, else grandbargain/results under
$XDG_CACHE_HOME or ~/.cache; GRANDBARGAIN_CACHE=off turns it off. A cache that cannot be read or
written is ignored (the result is computed); writes are atomic (temporary file, then rename);
past MAX_FILES results the oldest half is dropped.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
ENV = "GRANDBARGAIN_CACHE"
#: Most results kept (tens of kB each); past it, the oldest half is dropped when one is added.
MAX_FILES = 400
_state: dict[str, Any] = {"folder": None, "code": None}


def default_folder() -> Path | None:
    configured = os.environ.get(ENV)
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "grandbargain" / "results"


@contextmanager
def caching(folder: Path | None = None) -> Iterator[None]:
    """Within the block, keep results in `folder` (default: `default_folder()`; None there:
    stay off); the state before is restored after it."""
    before = _state["folder"]
    _state["folder"] = folder if folder is not None else default_folder()
    try:
        yield
    finally:
        _state["folder"] = before


def enabled() -> bool:
    return _state["folder"] is not None


def _code_digest() -> str:
    if _state["code"] is None:
        root = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n"
                          .encode())
        _state["code"] = digest.hexdigest()
    return _state["code"]


def _feed(digest, value: Any) -> None:
    if hasattr(value, "dtype") and hasattr(value, "tobytes"):
        digest.update(f"array:{value.dtype.str}:{value.shape}:".encode())
        digest.update(value.tobytes())
    elif isinstance(value, tuple | list):
        digest.update(f"seq{len(value)}(".encode())
        for item in value:
            _feed(digest, item)
        digest.update(b")")
    else:
        digest.update(f"{type(value).__name__}:{value!r};".encode())


def key(kind: str, parts: Iterable[Any]) -> str:
    digest = hashlib.sha256(f"{kind}\n{_code_digest()}\n".encode())
    for part in parts:
        _feed(digest, part)
    return digest.hexdigest()


def kept(kind: str, parts: Iterable[Any]) -> bool:
    """Whether the cache is on and holds a result for these inputs (so `memo` will not
    compute)."""
    folder = _state["folder"]
    return folder is not None and (folder / f"{kind}-{key(kind, parts)}.pickle").is_file()


def memo(kind: str, parts: Iterable[Any], compute: Callable[[], T]) -> T:
    """compute(), or its kept result for these inputs when the cache is on."""
    folder = _state["folder"]
    if folder is None:
        return compute()
    path = folder / f"{kind}-{key(kind, parts)}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # absent, unreadable or from another version: compute it again
        pass
    result = compute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
        _trim(folder)
    except Exception:  # a read-only or full disk only costs the computation next time
        pass
    return result


def _trim(folder: Path) -> None:
    kept = [entry for entry in os.scandir(folder) if entry.name.endswith(".pickle")]
    if len(kept) <= MAX_FILES:
        return
    kept.sort(key=lambda entry: entry.stat().st_mtime_ns)
    for entry in kept[: len(kept) // 2]:
        with suppress(OSError):
            os.unlink(entry.path)
