"""watch(..., apply=True): the job trains with fake-quantized input, weight and dL/dy (straight-through), by the
recipe's own scaling state; without apply nothing changes."""

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import quantscope as qs
from quantscope import formats


def _layer():
    torch.manual_seed(3)
    return nn.Sequential(nn.Linear(64, 32))


def _q(t, fmt):
    """Current scaling to the format max from t's own amax (step 0 of a delayed recipe), as float32 ops."""
    scale = torch.full((), formats.format_max(fmt), dtype=torch.float32) / t.abs().max()
    return formats.quantize(t * scale, fmt) / scale


def test_apply_firstStep_forwardAndBackwardUseQuantizedTensors():
    model = _layer()
    run = qs.LiveRun(offline=True)
    run.watch(model, recipe=qs.Delayed(format="e4m3", history=4), apply=True)
    x = torch.randn(8, 64, requires_grad=True)
    upstream = torch.randn(8, 32) * 1e-3
    y = model(x)
    linear = model[0]
    x_q, w_q = _q(x.detach(), "e4m3"), _q(linear.weight.detach(), "e4m3")
    assert torch.equal(y, F.linear(x_q, w_q, linear.bias))
    y.backward(upstream)
    g_q = _q(upstream, "e5m2")
    # Straight-through: dL/dx = Q(g) W_q, dL/dW = Q(g)^T x_q.
    assert torch.allclose(x.grad, g_q @ w_q, rtol=1e-6, atol=0)
    assert torch.allclose(linear.weight.grad, g_q.t() @ x_q, rtol=1e-6, atol=0)
    assert run.finish(timeout=10)


def test_apply_closed_forwardIsPlainAgain():
    model = _layer()
    run = qs.LiveRun(offline=True)
    probe = run.watch(model, recipe=qs.Delayed(format="e4m3"), apply=True)
    x = torch.randn(4, 64)
    assert not torch.equal(model(x), F.linear(x, model[0].weight, model[0].bias))
    probe.close()
    assert torch.equal(model(x), F.linear(x, model[0].weight, model[0].bias))


def test_watch_withoutApply_trainingUnchanged():
    plain, watched = _layer(), _layer()
    run = qs.LiveRun(offline=True)
    run.watch(watched, recipe=qs.Delayed(format="e4m3"), what_if=("nvfp4",))
    x = torch.randn(8, 64)
    for model in (plain, watched):
        model(x).pow(2).sum().backward()
    assert torch.equal(plain[0].weight.grad, watched[0].weight.grad)
    run.log(0)
    assert run.finish(timeout=10) and run.sent == 1


def test_apply_blockFormatNotFittingALayer_errorNamesLayerAndRole():
    model = nn.Sequential(nn.Linear(48, 32))
    run = qs.LiveRun(offline=True)
    with pytest.raises(ValueError, match="apply: 0's input has last dim 48"):
        run.watch(model, recipe=qs.Block(format="mxfp4"), apply=True)
