"""A pure computation run in a forked child process while this process goes on (BL-11).

`Background(compute)` forks; the child runs `compute()` and sends back its pickled result
through a pipe, then ends without running this process's exit handlers or flushing its
buffers. `result()` waits for it. The child starts with everything this process has loaded
(scenario, numpy, compiled code), so nothing is pickled on the way in, and since `compute` is
pure, its result is the one an in-process call gives. Where fork is not available (macOS's
default, Windows), from a process with other threads running (a thread may hold a lock the
child would need), on a single core (nothing to gain), or when the child fails or is killed,
`result()` computes in process instead: the same value, only later.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Generic, TypeVar

T = TypeVar("T")


def available() -> bool:
    """Fork is there, safe and useful here: Linux, this process runs one thread, and it may
    run on more than one core (on one, a child only adds its start-up)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and threading.active_count() == 1 and _cores() > 1)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Background(Generic[T]):
    """`compute()` begun in a forked child; `result()` its value (see the module docstring)."""

    def __init__(self, compute: Callable[[], T], *, fork: bool | None = None) -> None:
        self._compute = compute
        self._pid: int | None = None
        self._read: int | None = None
        self._done = False
        self._value: T | None = None
        if not (available() if fork is None else fork and hasattr(os, "fork")):
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - in the child
            os.close(read)
            _child(compute, write)
        os.close(write)
        self._pid, self._read = pid, read

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def result(self) -> T:
        """The value of `compute()`: the child's, or computed here if there is none."""
        if not self._done:
            value = self._collect()
            self._value = self._compute() if value is None else value[0]
            self._done = True
        return self._value  # type: ignore[return-value]

    def cancel(self) -> None:
        """Stop the child, if any, and forget it (result() then computes in process)."""
        if self._pid is not None:
            with suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            self._close()

    def _collect(self) -> tuple[T] | None:
        if self._pid is None or self._read is None:
            return None
        chunks = []
        try:
            while chunk := os.read(self._read, 1 << 20):
                chunks.append(chunk)
        except OSError:
            chunks = []
        status = self._close()
        if status != 0 or not chunks:
            return None
        try:
            ok, value = pickle.loads(b"".join(chunks))
        except Exception:  # a truncated or unreadable message: compute it here
            return None
        return (value,) if ok else None

    def _close(self) -> int:
        status = -1
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None:
            try:
                _, status = os.waitpid(self._pid, 0)
            except ChildProcessError:
                status = -1
            self._pid = None
        return status

    def __del__(self) -> None:  # a result never asked for: no child left behind
        if getattr(self, "_pid", None) is not None:
            with suppress(Exception):  # at interpreter exit, modules may be gone already
                self.cancel()


def _child(compute: Callable[[], object], write: int) -> None:  # pragma: no cover - in a child
    code = 0
    try:
        try:
            payload = pickle.dumps((True, compute()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # the parent computes it again and sees the error itself
            payload = pickle.dumps((False, None))
            code = 1
        view = memoryview(payload)
        while view:
            view = view[os.write(write, view):]
    except BaseException:
        code = 1
    finally:
        os._exit(code)
