"""Transformer Engine layers are read, not emulated: `watch` reports TE's own amax, scale and amaxPred (and so
saturationEvent) from the modules' `fp8_meta`.

Transformer Engine itself cannot run here: it is CUDA only (FP8 GEMMs need an sm_89+ GPU) and cannot be installed on
this CPU machine. The modules of te_like.py carry TE's metadata layout (`fp8_meta["scaling_fwd"/"scaling_bwd"]`,
`scale` [N], `amax_history` [H, N], slots per GEMM) and keep it the way TE does (amax into row 0 during the pass, then
TE's amax-and-scale update with its roll); they are passed as `te_types`, the classes `watch` would otherwise take from
transformer_engine.pytorch. The expected numbers below are worked out by hand from the inputs, not read back."""

import urllib.parse

import pytest
import torch
from torch import nn

import quantscope as qs
from quantscope import te
from te_like import DelayedScaling, Format, MetaLayerNormMLP, MetaLinear

STEPS, HISTORY = 12, 4
X_AMAX = [1.0, 1.0, 1.0, 1.0, 8.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0]  # the input's amax per step (spikes at 4, 10)
G_AMAX = [1.0] * 7 + [4.0] + [1.0] * 4  # dL/dy's amax per step (spike at 7)
W_AMAX = 0.5


def _series(server, run_id, metric, layer, role):
    query = urllib.parse.urlencode({"metric": metric, "layer": layer, "role": role})
    return {int(p["step"]): p["value"] for p in server.get(f"/api/runs/{run_id}/series?{query}")}


def _expected_pred(amaxes, fp8_max):
    """TE's delayed scaling by hand: step 0 runs at the initial scale 1 (it stands for amaxPred = fp8_max); step t at
    scale = fp8_max / max(amax of steps t-H..t-1), which stands for that max (all values are powers of two: exact)."""
    return [fp8_max if t == 0 else max(amaxes[max(0, t - HISTORY):t]) for t in range(len(amaxes))]


class _Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = MetaLinear(16, 16, DelayedScaling(amax_history_len=HISTORY))
        self.head = nn.Linear(16, 4, bias=False)  # a plain nn.Linear beside it stays emulated

    def forward(self, x):
        return self.head(self.proj(x))


@pytest.fixture(scope="module")
def linear_job(server):
    torch.manual_seed(0)
    net = _Net()
    with torch.no_grad():
        net.proj.weight.uniform_(-0.25, 0.25)
        net.proj.weight[0, 0] = W_AMAX  # max |w| = 0.5; the weight never changes (no optimizer step)
    base = torch.rand(2, 16) * 2 - 1
    base[0, 0] = 1.0  # max |x| = 1 exactly
    direction = torch.rand(2, 16) * 2 - 1
    direction[1, 3] = -1.0  # max |dL/dy| = 1 exactly
    run = qs.init(url=server.url, name="pytest-te-linear")
    run.watch(net, exclude=r"^head$", te_types=(MetaLinear,))
    for step in range(STEPS):
        net.proj.fp8 = True  # inside fp8_autocast
        y = net.proj(base * X_AMAX[step])
        net.proj.update(forward=True)  # autocast exit: TE's forward amax-and-scale update
        (y * (direction * G_AMAX[step])).sum().backward()  # dL/dy = direction * G_AMAX[step]
        net.proj.update(forward=False)
        run.log(step)
    assert run.finish(timeout=60)
    server.wait_status(run.id, "completed", "failed")
    return run


def test_te_linear_inputAmaxScaleAndPredAreTEs(server, linear_job):
    get = lambda metric: _series(server, linear_job.id, metric, "proj", "input")  # noqa: E731
    amax, scale, pred, event = get("amax"), get("scale"), get("amaxPred"), get("saturationEvent")
    expected = _expected_pred(X_AMAX, 448.0)
    assert [amax[t] for t in range(STEPS)] == X_AMAX
    assert [pred[t] for t in range(STEPS)] == expected
    assert [scale[t] for t in range(STEPS)] == [448.0 / p for p in expected]
    assert [t for t in range(STEPS) if event[t] == 1.0] == [4, 10]  # TE's scale clipped exactly these steps
    assert _series(server, linear_job.id, "amaxRatio", "proj", "input")[4] == 8.0


def test_te_linear_weightAndGradRoles(server, linear_job):
    weight = _series(server, linear_job.id, "amax", "proj", "weight")
    assert [weight[t] for t in range(STEPS)] == [W_AMAX] * STEPS
    assert _series(server, linear_job.id, "amaxPred", "proj", "weight")[1] == W_AMAX
    grad_amax = _series(server, linear_job.id, "amax", "proj", "grad")
    grad_pred = _series(server, linear_job.id, "amaxPred", "proj", "grad")
    grad_scale = _series(server, linear_job.id, "scale", "proj", "grad")
    expected = _expected_pred(G_AMAX, 57344.0)  # HYBRID: dL/dy in E5M2
    assert [grad_amax[t] for t in range(STEPS)] == G_AMAX
    assert [grad_pred[t] for t in range(STEPS)] == expected
    assert [grad_scale[t] for t in range(STEPS)] == [57344.0 / p for p in expected]
    events = _series(server, linear_job.id, "saturationEvent", "proj", "grad")
    assert [t for t in range(STEPS) if events[t] == 1.0] == [7]
    grad_norm = _series(server, linear_job.id, "gradNorm", "proj", "weight")
    assert sorted(grad_norm) == list(range(STEPS)) and all(v > 0 for v in grad_norm.values())


def test_te_linear_nothingEmulated_onlyScalingMetrics(server, linear_job):
    heat = server.get(f"/api/runs/{linear_job.id}/heatmap?metric=amax&role=input")
    assert heat["layers"] == ["proj"]  # head excluded; the TE layer under its module name
    assert _series(server, linear_job.id, "overflowFraction", "proj", "input") == {}  # TE's tensors are not re-cast


def test_te_layerNormMlp_twoGemms_slotsByTE2Layout(server):
    torch.manual_seed(1)
    recipe = DelayedScaling(amax_history_len=HISTORY, fp8_format=Format.E4M3, margin=1)
    mlp = MetaLayerNormMLP(8, 32, recipe)
    run = qs.init(url=server.url, name="pytest-te-mlp")
    run.watch(mlp, te_types=(MetaLayerNormMLP,))
    seen = []  # (fc1 input amax, fc2 input amax, bwd slot 0, bwd slot 2, fwd scale 0) as TE holds them per step
    for step in range(5):
        mlp.fp8 = step != 2  # step 2 runs outside fp8_autocast: nothing to read
        x = torch.randn(4, 8, requires_grad=True)
        y = mlp(x)
        fwd = mlp.fp8_meta["scaling_fwd"]
        row = [fwd.amax_history[0, 0].item(), fwd.amax_history[0, 3].item(), None, None, fwd.scale[0].item()]
        if mlp.fp8:
            mlp.update(forward=True)
        (y * torch.randn_like(y)).sum().backward()
        bwd = mlp.fp8_meta["scaling_bwd"]
        row[2:4] = [bwd.amax_history[0, 0].item(), bwd.amax_history[0, 2].item()]
        if mlp.fp8:
            mlp.update(forward=False)
        seen.append(row)
        run.log(step)
    assert run.finish(timeout=60)
    server.wait_status(run.id, "completed", "failed")
    heat = server.get(f"/api/runs/{run.id}/heatmap?metric=amax&role=input")
    assert heat["layers"] == ["fc1", "fc2"]  # the model itself: its GEMMs are plain fc1 and fc2
    get = lambda metric, layer, role: _series(server, run.id, metric, layer, role)  # noqa: E731
    steps = [0, 1, 3, 4]
    assert sorted(get("amax", "fc1", "input")) == steps  # step 2 (no FP8) left out
    for t in steps:
        assert get("amax", "fc1", "input")[t] == pytest.approx(seen[t][0], rel=1e-7)
        assert get("amax", "fc2", "input")[t] == pytest.approx(seen[t][1], rel=1e-7)
        assert get("amax", "fc1", "grad")[t] == pytest.approx(seen[t][2], rel=1e-7)  # TE 2.x: FC1's dL/dy, slot 0
        assert get("amax", "fc2", "grad")[t] == pytest.approx(seen[t][3], rel=1e-7)  # FC2's dL/dy, slot 2
        # E4M3 recipe, margin 1: amaxPred = 448 / (scale * 2); backward also E4M3.
        assert get("amaxPred", "fc1", "input")[t] == pytest.approx(448.0 / (seen[t][4] * 2), rel=1e-6)
    assert get("amaxPred", "fc1", "input")[0] == 224.0  # the initial scale 1 with margin 1
    assert get("amaxPred", "fc2", "grad")[0] == 224.0


def test_te_amaxPred_invertsTEsScaleFormula():
    scale = torch.tensor([1.0, 224.0, 56.0, 0.5])
    assert te.amax_pred(scale, 448.0, 0).tolist() == [448.0, 2.0, 8.0, 896.0]
    assert te.amax_pred(scale, 448.0, 1).tolist() == [224.0, 1.0, 4.0, 448.0]
    assert te.amax_pred(torch.tensor([14336.0]), 57344.0, 0).tolist() == [4.0]


def test_te_find_gemms_namesAndSlots():
    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = MetaLinear(4, 4, DelayedScaling())
            self.mlp = MetaLayerNormMLP(4, 8, DelayedScaling())

    found = te.find_gemms(Holder(), (MetaLinear, MetaLayerNormMLP))
    rows = [(g.name, g.fwd_input, g.fwd_weight, g.bwd_grad, g.weight_attr) for _, _, gemms in found for g in gemms]
    assert rows == [("attn", 0, 1, 0, "weight"), ("mlp.fc1", 0, 1, 0, "fc1_weight"), ("mlp.fc2", 3, 4, 2, "fc2_weight")]
    assert te.find_gemms(Holder(), ()) == []
