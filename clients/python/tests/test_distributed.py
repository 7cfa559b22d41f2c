"""reduce="max" under an initialised torch.distributed (gloo, one rank here): the amax window is all-reduced before
it is finished and sent."""

import os
import tempfile

import torch
import torch.distributed as dist
from torch import nn

import quantscope as qs


def test_reduceMax_initialisedProcessGroup_windowReducedAndSent(server):
    with tempfile.TemporaryDirectory() as folder:
        dist.init_process_group("gloo", init_method="file://" + os.path.join(folder, "rendezvous"), rank=0, world_size=1)
        try:
            torch.manual_seed(5)
            model = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 8))
            run = qs.init(url=server.url, name="pytest-dist")
            qs.watch(model, recipe=qs.Delayed(history=4), reduce="max", every=2)
            x = torch.randn(16, 32)
            for step in range(4):
                model(x).sum().backward()
                run.log(step, loss=float(step))
            assert run.finish(timeout=30)
        finally:
            dist.destroy_process_group()
    server.wait_status(run.id, "completed")
    heat = server.get(f"/api/runs/{run.id}/heatmap?metric=amax&role=input")
    assert heat["layers"] == ["0", "2"] and heat["steps"] == [0.0, 1.0, 2.0, 3.0]
    as_float32 = [torch.tensor(v, dtype=torch.float32).item() for v in heat["values"][0]]  # JSON carries float32 text
    assert as_float32 == [x.abs().max().item()] * 4  # the same batch every step: the same amax
