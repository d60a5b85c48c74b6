"""Replications of a simulation, run serially, on a local process pool or on a Dask cluster.

`run(task, model, replications=n, seed=s)` spawns `numpy.random.SeedSequence(s).spawn(n)`, one child
seed per replication, runs `task(model, child)` for each, and folds the results into a streaming
`Summary` in replication order. Replication i always gets child i and results are always folded in
the order 0, 1, 2, ..., so the summary is byte-identical whichever executor ran them.

Executors:
- `workers=1`: serially, in this process;
- `workers=N` or None (the default, N = os.cpu_count()): a local process pool. The model is sent to
  each worker process once, not with every replication;
- `scheduler="tcp://host:port"`: a running Dask cluster (needs the `distributed` extra). The model is
  scattered to the workers once.
On a pool or a cluster, replications go to the workers in chunks of consecutive ones (`chunks`): a
chunk is one message each way, so the fixed cost of a message is shared by its replications; chunks
grow smaller towards the end, so that the workers finish together. At most a few chunks per worker
are in flight at once, and a chunk holds at most `MAX_CHUNK` replications, so memory stays bounded
however many replications are asked for.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from numpy.random import SeedSequence

from ..model.errors import SchedulerError
from .summary import Kinds, Summary, Tally

Task = Callable[[Any, SeedSequence], Mapping[str, float]]
IN_FLIGHT_PER_WORKER = 4  # chunks submitted to each worker ahead of the one being folded
MAX_CHUNK = 16  # replications in a chunk, at most


def seeds(seed: int, replications: int, first: int = 0) -> list[SeedSequence]:
    """The child seeds of replications `first` to `first + replications - 1`: those of
    `SeedSequence(seed).spawn(first + replications)` from `first` on (child i is the same however
    many are spawned, so a run can be extended and keep its first replications)."""
    return [SeedSequence(seed, spawn_key=(i,)) for i in range(first, first + replications)]


def results(
    task: Task,
    model: Any,
    *,
    replications: int,
    seed: int,
    first: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Iterator[Mapping[str, float]]:
    """The results of `task(model, child_seed)` for replications `first` to `first + replications
    - 1`, in replication order, from whichever executor is asked for. A task's exception is raised
    with the replication number added as a note."""
    if replications < 1:
        raise ValueError(f"replications is {replications}; expected at least 1")
    if workers is not None and workers < 1:
        raise ValueError(f"workers is {workers}; expected at least 1")
    if workers is not None and scheduler is not None:
        raise ValueError("both workers and a scheduler were given; expected one (a Dask cluster has its own workers)")
    children = seeds(seed, replications, first)
    if scheduler is not None:
        return _on_dask(task, model, children, scheduler, first)
    if (workers or os.cpu_count() or 1) == 1 or replications == 1:
        return _replications(task, model, first, children)
    return _on_pool(task, model, children, min(workers or os.cpu_count() or 1, replications), first)


def run(
    task: Task,
    model: Any,
    *,
    replications: int,
    seed: int,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | str = False,
    kinds: Kinds | None = None,
    each: Callable[[Mapping[str, float]], None] | None = None,
) -> Summary:
    """Run `task(model, child_seed)` once per replication and summarise the results (`kinds` says
    what each metric measures, for its interval; `each` is given every result too, in order).

    `task` and `model` must be picklable (a top-level function and a frozen model) unless
    `workers=1`. `progress` shows a progress bar on stderr when it is a terminal (a string is the
    bar's label). A task's exception is raised here, with the replication number added as a note.
    """
    started = time.perf_counter()
    found = results(task, model, replications=replications, seed=seed, workers=workers, scheduler=scheduler)
    tally = Tally(seed, kinds)
    with progress_bar(progress, replications) as advance:
        for result in found:
            tally.add(result)
            if each is not None:
                each(result)
            advance()
    return tally.summary(wall_seconds=time.perf_counter() - started)


def _replications(task: Task, model: Any, first: int, children: list[SeedSequence]) -> Iterator[Mapping[str, float]]:
    """The results of replications `first`, `first + 1`, ... (one per child seed), with the
    replication's number noted on any exception its task raises."""
    for index, child in enumerate(children, first):
        try:
            result = task(model, child)
        except Exception as problem:
            problem.add_note(f"(in replication {index})")
            raise
        yield result


def _chunk(task: Task, model: Any, first: int, children: list[SeedSequence]) -> list[Mapping[str, float]]:
    """A chunk of replications run in a worker: their results, in order."""
    return list(_replications(task, model, first, children))


def chunks(replications: int, workers: int) -> list[tuple[int, int]]:
    """How replications are sent to workers: (first, count) of each chunk of consecutive ones. A
    chunk is the replications left shared among 4 chunks per worker, but at least 1 and at most
    `MAX_CHUNK`, so chunks shrink towards the end and the workers finish nearly together."""
    found, first = [], 0
    while first < replications:
        count = min(MAX_CHUNK, max(1, (replications - first) // (4 * workers)))
        found.append((first, count))
        first += count
    return found


def _chunked(
    submit: Callable[[int, list[SeedSequence]], Any], children: list[SeedSequence], workers: int, offset: int
) -> Iterator[Mapping[str, float]]:
    """Results in replication order, from chunks submitted with `submit(first, children)` (which
    returns a future of the chunk's results); the children are those of replications `offset` on."""
    pieces = [(offset + first, children[first : first + count]) for first, count in chunks(len(children), workers)]
    for results in _in_order(lambda piece: submit(*piece), pieces, workers):
        yield from results


# --- local process pool -----------------------------------------------------------------------------

_installed: tuple[Task, Any] | None = None


def _install(task: Task, model: Any) -> None:
    """Worker initialiser: keep the task and model in the worker process for every replication."""
    global _installed
    _installed = (task, model)


def _replicate(first: int, children: list[SeedSequence]) -> list[Mapping[str, float]]:
    task, model = _installed  # type: ignore[misc]
    return _chunk(task, model, first, children)


def _pool_context(task: Task) -> multiprocessing.context.BaseContext:
    """How worker processes start. On Linux, from a process running a single thread: fork, which
    starts a worker in milliseconds (it is unsafe only with other threads running). Otherwise a fork
    server where the platform has one, which imports this module and the task's once, so that each
    worker forked from it starts with them imported (about 0.1 s a pool after the first); else spawn."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(sorted({__name__, task.__module__}))
    return context


def _on_pool(
    task: Task, model: Any, children: list[SeedSequence], workers: int, offset: int
) -> Iterator[Mapping[str, float]]:
    """Results in replication order from a local process pool."""
    pool = ProcessPoolExecutor(workers, mp_context=_pool_context(task), initializer=_install, initargs=(task, model))
    try:
        yield from _chunked(lambda first, piece: pool.submit(_replicate, first, piece), children, workers, offset)
    finally:
        pool.shutdown(cancel_futures=True)


def _in_order(submit: Callable[[Any], Any], items: list, workers: int) -> Iterator:
    """Submit each item (a child seed, or a chunk of them), keeping at most a few per worker in
    flight, and yield the futures' results in submission (replication) order."""
    window = IN_FLIGHT_PER_WORKER * workers
    pending: deque = deque()
    upcoming = iter(items)
    for item in upcoming:
        pending.append(submit(item))
        if len(pending) >= window:
            break
    while pending:
        result = pending.popleft().result()
        item = next(upcoming, None)
        if item is not None:
            pending.append(submit(item))
        yield result


# --- Dask -------------------------------------------------------------------------------------------


def _on_dask(
    task: Task, model: Any, children: list[SeedSequence], address: str, offset: int
) -> Iterator[Mapping[str, float]]:
    """Results in replication order from the Dask cluster at `address`."""
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError(
            "Dask is not installed; expected `pip install 'protoverify[distributed]'` to use --scheduler"
        ) from None
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address, strict=True)
        if scheme in ("tcp", "tls", "ws", "wss"):
            parse_host_port(location)
    except ValueError as problem:
        raise SchedulerError(
            f"{address!r} is not a Dask scheduler address ({problem}); expected e.g. tcp://127.0.0.1:8786"
        ) from None
    client = _connect(Client, address)
    with client:
        workers = max(1, sum(client.nthreads().values()))
        [shared_model] = client.scatter([model], broadcast=True)
        yield from _chunked(
            lambda first, piece: client.submit(_chunk, task, shared_model, first, piece, pure=False),
            children,
            workers,
            offset,
        )


CONNECT_SECONDS = 10
"""How long to wait for a Dask scheduler to be reached, and again for it to answer once reached."""


def _connect(Client: Any, address: str) -> Any:
    """A client of the scheduler at `address`, or `SchedulerError` if it cannot be reached or does not
    answer in time. Dask's own timeout bounds the connection but not the handshake after it (a port
    that accepts and never answers kept the run waiting for ever), so the client is made in a thread
    given `2 * CONNECT_SECONDS`."""
    made: dict[str, Any] = {}

    def connect() -> None:
        try:
            made["client"] = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except Exception as problem:  # reported below, in the caller's thread
            made["problem"] = problem

    attempt = threading.Thread(target=connect, name="dask-connect", daemon=True)
    attempt.start()
    attempt.join(2 * CONNECT_SECONDS)
    if "client" in made:
        return made["client"]
    why = f"no answer within {2 * CONNECT_SECONDS} s" if attempt.is_alive() else str(made.get("problem", "no client"))
    raise SchedulerError(
        f"cannot reach the Dask scheduler at {address!r} ({why}); expected the address of a running "
        "scheduler, such as tcp://127.0.0.1:8786"
    )


# --- progress -----------------------------------------------------------------------------------------


class progress_bar:
    """A rich progress bar on stderr while replications run, only if asked and stderr is a terminal;
    entering it gives a function that advances the bar by one replication. The bar (and the thread
    that redraws it) starts at the first replication done, after any worker processes have started."""

    def __init__(self, wanted: bool | str, total: int):
        self.bar = None
        if wanted and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task(wanted if isinstance(wanted, str) else "replications", total=total)

    def __enter__(self) -> Callable[[], None]:
        if self.bar is None:
            return lambda: None

        def advance() -> None:
            self.bar.start()  # no-op once started
            self.bar.advance(self.task)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
