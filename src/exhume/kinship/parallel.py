# mypy: disable-error-code="no-untyped-call"
# (dask.distributed is only partly annotated; its calls are untyped to mypy --strict.)
"""Scale-out over a Dask cluster: the same family blocks and the same pure function.

This is the only module that imports Dask. :class:`DaskExecutor` maps
:func:`exhume.kinship.screening.screen_family_block` over the family blocks on a
``dask.distributed`` cluster, with the families and bodies scattered once to every worker, and
hands the block results back in block order, so :func:`~exhume.kinship.screening.screen`
returns exactly what it returns serially.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from dask.distributed import Client, LocalCluster, as_completed

from exhume.errors import ConfigurationError
from exhume.kinship.screening import BlockResult, IntArray, ScreeningJob, screen_family_block

__all__ = ["DaskExecutor", "dask_client"]


@contextmanager
def dask_client(address: str, *, n_workers: int = 2, processes: bool = True) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a new local cluster for ``"local"``
    (``n_workers`` single-threaded workers), closed on exit."""
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=processes,
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            client = Client(address, timeout="10s")
    except OSError as exc:
        raise ConfigurationError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class DaskExecutor:
    """Runs the family blocks as Dask tasks (one thread per task)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def __call__(self, job: ScreeningJob, blocks: list[IntArray]) -> Iterator[BlockResult]:
        fam_f = self.client.scatter(job.fam, broadcast=True)
        rows_f = self.client.scatter(job.rows, broadcast=True)
        task_params = replace(job.params, threads=1)
        futures = [
            self.client.submit(screen_family_block, fam_f, rows_f, block, task_params, pure=False)
            for block in blocks
        ]
        for _ in as_completed(futures):
            if job.progress is not None:
                job.progress(int(job.rows.shape[0]))
        for fut in futures:
            yield fut.result()
