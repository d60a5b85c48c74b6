"""Replications: seeds, the streaming summary, and identical results serially, on a local process pool
and on a Dask LocalCluster.

The toy task is a small SimPy M/M/1 queue with the same signature as the engine's `run_replication`,
so these tests do not depend on the engine; tests on the real engine are at the end.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import simpy
from numpy.random import SeedSequence
from scipy import stats

from protoverify.model.errors import SchedulerError
from protoverify.simulate import replications
from protoverify.simulate.replications import run
from protoverify.simulate.summary import SAMPLE_SIZE, Tally

MM1 = (0.7, 1.0, 500.0)  # arrival rate, service rate, horizon (hours)


def mm1(model: tuple[float, float, float], seed: SeedSequence) -> dict[str, float]:
    """One replication of an M/M/1 queue: mean wait, customers served, and a metric that is NaN
    (undefined) when no customer waited more than 15 hours."""
    arrival, service, horizon = model
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    server = simpy.Resource(env, 1)
    waits: list[float] = []

    def customer():
        arrived = env.now
        with server.request() as turn:
            yield turn
            waits.append(env.now - arrived)
            yield env.timeout(rng.exponential(1 / service))

    def arrivals():
        while True:
            yield env.timeout(rng.exponential(1 / arrival))
            env.process(customer())

    env.process(arrivals())
    env.run(until=horizon)
    long = [w for w in waits if w > 15]
    return {
        "wait/mean": float(np.mean(waits)),
        "served": len(waits),
        "wait/long_mean": float(np.mean(long)) if long else math.nan,
    }


def seed_index(model: object, seed: SeedSequence) -> dict[str, float]:
    """Which child seed a replication got, and whether it is the parent's spawn."""
    return {"index": seed.spawn_key[-1], "entropy_matches": float(seed.entropy == model)}


def failing(model: object, seed: SeedSequence) -> dict[str, float]:
    if seed.spawn_key[-1] == 3:
        raise RuntimeError("the engine broke")
    return {"x": 1.0}


def dumped(summary) -> str:
    return json.dumps(summary.to_dict(), sort_keys=True)


# --- the summary ---------------------------------------------------------------------------------


def test_summary_statistics_match_numpy_and_scipy():
    rng = np.random.default_rng(7)
    values = rng.normal(50, 4, size=37)
    tally = Tally(seed=7)
    for v in values:
        tally.add({"m": v})
    m = tally.summary()["m"]
    low, high = stats.t.interval(0.95, df=len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    assert m.n == 37 and m.undefined == 0
    assert m.mean == pytest.approx(values.mean(), rel=1e-12)
    assert m.sd == pytest.approx(values.std(ddof=1), rel=1e-12)
    assert (m.ci_low, m.ci_high) == (pytest.approx(low, rel=1e-12), pytest.approx(high, rel=1e-12))
    assert (m.min, m.max) == (values.min(), values.max())
    assert m.sample == tuple(values)


def test_running_variance_is_stable_with_a_large_offset():
    values = 1e9 + np.array([4.0, 7.0, 13.0, 16.0])
    tally = Tally()
    for v in values:
        tally.add({"m": v})
    assert tally.summary()["m"].sd == pytest.approx(np.std(values - 1e9, ddof=1), rel=1e-9)


def test_nan_and_absent_metrics_are_undefined_not_zero():
    tally = Tally()
    tally.add({"a": 1.0, "b": math.nan})
    tally.add({"a": 3.0})
    tally.add({"a": 5.0, "b": 2.0, "c": 4.0})
    s = tally.summary()
    assert (s["a"].n, s["a"].undefined, s["a"].mean) == (3, 0, 3.0)
    assert (s["b"].n, s["b"].undefined, s["b"].mean) == (1, 2, 2.0)
    assert s["b"].sd is None and s["b"].ci_low is None  # one value: no spread, no interval
    assert (s["c"].n, s["c"].undefined) == (1, 2)
    tally.add({"d": math.nan})
    d = tally.summary()["d"]
    assert (d.n, d.undefined, d.mean, d.min) == (0, 4, None, None)
    assert json.loads(json.dumps(tally.summary().to_dict(), allow_nan=False))["metrics"]["d"]["mean"] is None


def test_a_constant_metric_has_a_zero_width_interval():
    tally = Tally()
    for _ in range(5):
        tally.add({"over_budget": 0})
    m = tally.summary()["over_budget"]
    assert (m.mean, m.sd, m.ci_low, m.ci_high) == (0.0, 0.0, 0.0, 0.0)


def test_memory_is_bounded_by_the_sample_size():
    tally = Tally()
    for i in range(SAMPLE_SIZE * 3):
        tally.add({"i": float(i)})
    m = tally.summary()["i"]
    assert m.n == SAMPLE_SIZE * 3 and m.max == SAMPLE_SIZE * 3 - 1
    assert m.sample == tuple(float(i) for i in range(SAMPLE_SIZE))


@pytest.mark.parametrize(
    ("value", "words"),
    [(math.inf, "infinite"), ("3", "expected a number"), (None, "expected a number"), ([1], "expected a number")],
)
def test_a_value_that_is_not_a_number_is_refused_with_its_replication(value, words):
    tally = Tally()
    tally.add({"m": 1.0})
    with pytest.raises(ValueError, match=rf"replication 1: metric 'm'.*{words}"):
        tally.add({"m": value})


def test_to_dict_is_sorted_and_leaves_out_wall_time():
    tally = Tally(seed=3)
    tally.add({"z": 1.0, "a": 2.0})
    first, second = tally.summary(wall_seconds=1.0), tally.summary(wall_seconds=99.0)
    assert list(first.to_dict()["metrics"]) == ["a", "z"]
    assert dumped(first) == dumped(second)
    assert first.to_dict()["seed"] == 3 and first.to_dict()["replications"] == 1


# --- seeds and executors -----------------------------------------------------------------------


def test_replication_i_gets_child_i_of_the_seed_sequence_in_order():
    for workers in (1, 2):
        s = run(seed_index, 42, replications=9, seed=42, workers=workers)
        assert s["index"].sample == tuple(float(i) for i in range(9)), workers
        assert s["entropy_matches"].mean == 1.0


def test_serial_and_local_pool_give_byte_identical_summaries():
    serial = run(mm1, MM1, replications=12, seed=2024, workers=1)
    pooled = run(mm1, MM1, replications=12, seed=2024, workers=2)
    assert dumped(serial) == dumped(pooled)
    assert serial.wall_seconds > 0 and pooled.wall_seconds > 0
    assert dumped(run(mm1, MM1, replications=12, seed=2025, workers=1)) != dumped(serial)


@pytest.mark.slow
def test_the_pool_starts_workers_safely_while_another_thread_runs():
    """With a second thread running, workers come from a fork server instead of fork: same results."""
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert replications._pool_context(mm1).get_start_method() in ("forkserver", "spawn")
        pooled = run(mm1, MM1, replications=6, seed=8, workers=2)
    finally:
        stop.set()
        other.join()
    assert dumped(pooled) == dumped(run(mm1, MM1, replications=6, seed=8, workers=1))


@pytest.mark.slow
def test_the_toy_queue_is_a_queue():
    """The toy task means something: an M/M/1 at rho = 0.7 waits rho / (mu - lambda) = 2.33 hours."""
    s = run(mm1, (0.7, 1.0, 3000.0), replications=30, seed=1, workers=1)
    wait = s["wait/mean"]
    assert wait.ci_low < 0.7 / (1.0 - 0.7) < wait.ci_high


def test_a_failing_replication_says_which(tmp_path: Path):
    for workers in (1, 2):
        with pytest.raises(RuntimeError, match="the engine broke") as raised:
            run(failing, None, replications=6, seed=0, workers=workers)
        assert "(in replication 3)" in raised.value.__notes__


def test_bad_counts_are_refused():
    with pytest.raises(ValueError, match="expected at least 1"):
        run(mm1, MM1, replications=0, seed=1)
    with pytest.raises(ValueError, match="expected at least 1"):
        run(mm1, MM1, replications=2, seed=1, workers=0)
    with pytest.raises(ValueError, match="expected one"):
        run(mm1, MM1, replications=2, seed=1, workers=2, scheduler="tcp://127.0.0.1:8786")


def test_in_flight_replications_are_bounded():
    """However many replications, only a few per worker are submitted ahead of the one being folded."""

    class Done:
        def __init__(self, value):
            self.value = value

        def result(self):
            return self.value

    submitted: list[int] = []
    folded = 0
    most_ahead = 0
    children = SeedSequence(0).spawn(100)
    for _result in replications._in_order(lambda child: submitted.append(1) or Done(child), children, workers=2):
        folded += 1
        most_ahead = max(most_ahead, len(submitted) - folded)
    assert folded == 100 and len(submitted) == 100
    assert most_ahead <= replications.IN_FLIGHT_PER_WORKER * 2


def test_progress_is_silent_when_stderr_is_not_a_terminal(capfd):
    run(mm1, MM1, replications=2, seed=1, workers=1, progress=True)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("address", ["nonsense", "tcp://127.0.0.1:port"])
def test_a_malformed_scheduler_address_is_a_clear_error(address):
    pytest.importorskip("distributed", reason="dask[distributed] is not installed (the test extra installs it)")
    with pytest.raises(SchedulerError, match="is not a Dask scheduler address.*expected e.g. tcp://"):
        run(mm1, MM1, replications=2, seed=1, scheduler=address)


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip(
        "distributed", reason="dask[distributed] is not installed (the test extra installs it)"
    )
    with distributed.LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.mark.slow
def test_serial_local_pool_and_dask_give_byte_identical_summaries(dask_cluster):
    serial = run(mm1, MM1, replications=16, seed=99, workers=1)
    pooled = run(mm1, MM1, replications=16, seed=99, workers=2)
    on_dask = run(mm1, MM1, replications=16, seed=99, scheduler=dask_cluster)
    assert dumped(serial) == dumped(pooled) == dumped(on_dask)
    assert serial["served"].n == 16 and serial["wait/long_mean"].undefined > 0


# --- on the real engine -------------------------------------------------------------------------

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "stockport-baseline.yaml"


@pytest.fixture(scope="module")
def stockport_model():
    """The Stockport baseline, shortened to 30 days of warm-up and 60 measured, prepared once."""
    from protoverify.model.source import read
    from protoverify.simulate import engine
    from protoverify.simulate.loader import load_protocol_of, scenario_from_mapping
    from protoverify.simulate.vary import apply

    data = apply(read(SCENARIO, "scenario").data, [("warm_up_days", 30), ("horizon_days", 60)])
    scenario = scenario_from_mapping(data, f"{SCENARIO} with a shorter horizon")
    return engine.run_replication, engine.prepare(scenario, load_protocol_of(scenario))


@pytest.mark.slow
def test_the_engine_gives_byte_identical_summaries_serially_on_a_pool_and_on_dask(stockport_model, dask_cluster):
    task, model = stockport_model
    serial = run(task, model, replications=6, seed=11, workers=1)
    pooled = run(task, model, replications=6, seed=11, workers=2)
    on_dask = run(task, model, replications=6, seed=11, scheduler=dask_cluster)
    assert dumped(serial) == dumped(pooled) == dumped(on_dask)
    assert serial["events_processed"].n == 6 and serial["events_processed"].sd > 0  # replications differ
    assert "on_time/all" in serial and "yda/over_budget" in serial
