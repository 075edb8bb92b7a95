"""Running the chunks on Dask: a local cluster of worker processes, or an existing scheduler.

Dask is an optional extra (`pip install 'grandbargain[dask]'`), imported only here and only
when asked for. The simulation is sent to every worker once; each task runs one chunk and the
results are put back in chunk order, so the numbers do not depend on the cluster (U-05).
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager

from grandbargain.uncertainty._montecarlo import Progress, Samples, Simulation, collect, run_chunk

INSTALL_HINT = "Dask is not installed: pip install 'grandbargain[dask]' (dask[distributed])"


class DaskUnavailable(RuntimeError):
    """Dask was asked for but cannot be used (not installed, or the scheduler is unreachable)."""


def _distributed():
    try:
        import distributed
    except ImportError:
        raise DaskUnavailable(INSTALL_HINT) from None
    return distributed


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None,
                timeout: float = 30.0):
    """A Dask client on `workers` local processes, or connected to `scheduler` (tcp://HOST:PORT)."""
    distributed = _distributed()
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise DaskUnavailable(f"cannot reach the Dask scheduler at {scheduler}: "
                                  f"{exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    if workers is None or workers < 1:
        raise ValueError(f"workers={workers!r} must be at least 1")
    import dask

    # Dask sets MALLOC_TRIM_THRESHOLD_=65536 in its workers, which also switches off glibc's
    # adaptive mmap threshold: every large temporary of the batched models is then mapped and
    # unmapped anew, and the same chunk runs up to 2x slower on a worker than in process (U-12).
    # On Linux the workers are forked from this process, which has already imported numpy and
    # the models: a local cluster then starts and stops in about a second instead of several
    # (spawned workers start a fresh interpreter and import everything again; U-12).
    method = "fork" if sys.platform.startswith("linux") else \
        dask.config.get("distributed.worker.multiprocessing-method")
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                          "distributed.worker.multiprocessing-method": method}):
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=True, dashboard_address=":0",
                                           silence_logs=logging.ERROR)
    try:
        with distributed.Client(cluster, timeout=timeout) as client:
            yield client
    finally:
        cluster.close()


def run_on_client(sim: Simulation, client, progress: Progress | None = None) -> Samples:
    """Run every chunk as one task on the client's cluster."""
    distributed = _distributed()
    shared = client.scatter(sim, broadcast=True, hash=False)
    sizes = {}
    futures = []
    for index, _, size in sim.chunks():
        future = client.submit(run_chunk, shared, index, pure=False)
        sizes[future.key] = (index, size)
        futures.append(future)

    def finished():
        for future in distributed.as_completed(futures):
            index, size = sizes[future.key]
            try:
                result = future.result()
            except ImportError as exc:  # raised on the worker, re-raised here
                raise DaskUnavailable(f"a Dask worker cannot import what the simulation needs "
                                      f"({exc}); install grandbargain, the same version, on "
                                      "every worker") from None
            future.release()
            yield index, result
            if progress:
                progress(size)
    try:
        return collect(sim, finished())
    finally:
        client.cancel(futures)


def run_on_dask(sim: Simulation, workers: int | None = None, scheduler: str | None = None,
                progress: Progress | None = None) -> Samples:
    with dask_client(workers, scheduler) as client:
        return run_on_client(sim, client, progress)
