"""The job never waits for the dashboard and never fails because of it: stopped mid-run, down from the start, or
refusing a batch."""

import time
import warnings

import torch
from torch.nn import functional as F

import quantscope as qs
from tiny_llama import TinyLlama, batches


def _train(run, steps, on_step=None):
    """Trains a tiny watched model; returns the wall time of each step (forward to log) in seconds."""
    torch.manual_seed(1)
    model = TinyLlama(vocab=32, dim=32, layers=1, heads=2, hidden=64)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    run.watch(model, recipe=qs.Delayed(format="e4m3", history=16))
    data, times = batches(32, 4, 16, seed=1), []
    for step in range(steps):
        if on_step:
            on_step(step)
        start = time.perf_counter()
        seq = next(data)
        loss = F.cross_entropy(model(seq[:, :-1]).reshape(-1, 32), seq[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad()
        run.log(step, loss=loss)
        times.append(time.perf_counter() - start)
    return times


def _median(values):
    return sorted(values)[len(values) // 2]


def test_finish_dashboardStoppedMidRun_trainingKeepsItsSpeedAndFinishReturnsInTime(make_server):
    dashboard = make_server()
    run = qs.init(url=dashboard.url, name="pytest-away", max_batches=8, request_timeout=2.0)
    assert run.id is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        times = _train(run, 60, on_step=lambda step: dashboard.stop() if step == 20 else None)
        start = time.monotonic()
        done = run.finish(timeout=3.0)
        took = time.monotonic() - start
    assert done is False and took < 4.0
    # Steps after the stop run like those before (a generous bound for a busy 2-core machine).
    assert _median(times[25:]) < 3 * _median(times[5:20]) + 0.01
    assert max(times[20:]) < 1.0  # no step waited on a request timeout (2 s)
    # 40 windows for a queue of 8: the oldest went, counted, with one warning.
    assert run.dropped >= 30
    assert sum("dropping metric batches" in str(w.message) for w in caught) == 1


def test_init_dashboardDownFromTheStart_trainsAndFinishGivesUpInTime():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = qs.init(url=f"http://127.0.0.1:{port}", name="pytest-late", create_timeout=0.5)
    assert run.id is None
    _train(run, 5)
    assert run.finish(timeout=1.0) is False  # nobody there: gives up in time, no exception


def test_log_badStepOrValue_errorNamesTheField(server):
    run = qs.init(url=server.url, name="pytest-bad")
    for bad in (-1, "3", 1.5):
        try:
            run.log(bad, loss=1.0)
            raise AssertionError(f"step {bad!r} accepted")
        except ValueError as e:
            assert str(e).startswith("step:")
    for bad, message in (({"loss": "low"}, "loss: must be a number"), ({"acc": torch.ones(3)}, "acc: a tensor must hold one value")):
        try:
            run.log(0, **bad)
            raise AssertionError(f"{bad!r} accepted")
        except ValueError as e:
            assert str(e).startswith(message)
    run.log(0, loss=2.0)
    assert run.finish(timeout=30)
    assert server.wait_status(run.id, "completed")["lastStep"] == 0
