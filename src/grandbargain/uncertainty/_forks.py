"""Local worker processes for `--workers N`: forked once, each given its share of the chunks
(decision U-14).

The command's process has already loaded the scenario, numpy and the compiled kernels; a
forked child starts with all of it, so nothing is pickled on the way in and nothing is
imported again. Worker k runs chunks k, k + N, k + 2N, ... (the chunks cost about the same)
and sends each chunk's forecasts back through its own pipe as soon as it is done, which drives
the progress bar. The chunks' numbers depend only on (seed, chunk size, chunk index), and they
are put together in chunk order, so any number of workers gives the same bits as the run in
process (tested). Where fork is not available (macOS's default, Windows), `--workers` runs on
a local Dask cluster instead.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from multiprocessing.connection import wait

from grandbargain.uncertainty._montecarlo import Progress, Samples, Simulation, collect, run_chunk


def fork_available() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _work(sim: Simulation, indices: list[int], conn) -> None:  # pragma: no cover - in a child
    try:
        for index in indices:
            conn.send(("chunk", index, run_chunk(sim, index)))
        conn.send(("done", None, None))
    except BaseException as exc:  # reported to the parent, which raises it
        conn.send(("error", None, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        conn.close()
        os._exit(0)  # skip the parent's atexit handlers and buffered output


def run_on_forks(sim: Simulation, workers: int, progress: Progress | None = None) -> Samples:
    """Run the chunks on `workers` forked processes (at most one per chunk)."""
    if workers < 1:
        raise ValueError(f"workers={workers!r} must be at least 1")
    chunks = sim.chunks()
    sizes = {index: size for index, _, size in chunks}
    count = min(workers, len(chunks))
    context = multiprocessing.get_context("fork")
    processes, pipes = [], []
    try:
        for k in range(count):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(sim, [i for i, _, _ in chunks[k::count]],
                                                          send), daemon=True)
            process.start()
            send.close()  # the child holds its own copy: EOF here when it ends
            processes.append(process)
            pipes.append(receive)

        def finished():
            open_pipes = list(pipes)
            while open_pipes:
                for pipe in wait(open_pipes):
                    try:
                        kind, index, payload = pipe.recv()
                    except EOFError:
                        raise RuntimeError("a worker process ended without its results "
                                           "(killed, or out of memory?)") from None
                    if kind == "error":
                        raise RuntimeError(f"a worker process failed: {payload}")
                    if kind == "done":
                        open_pipes.remove(pipe)
                        continue
                    yield index, payload
                    if progress:
                        progress(sizes[index])
        return collect(sim, finished())
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for pipe in pipes:
            pipe.close()
