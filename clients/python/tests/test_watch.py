"""A small Llama-like job (2 blocks, SwiGLU) trained 60 steps on CPU with `watch`: what the dashboard then serves
(heatmaps, the layer panel's series, diagnosis), an injected fault (layer 1's FC2 input x20 from step 40), and one
hooked layer's statistics recomputed from the engine's own quantizer."""

import math
import urllib.parse

import pytest
import torch
from torch.nn import functional as F

import quantscope as qs
from tiny_llama import TinyLlama, batches

STEPS, FAULT_STEP, VOCAB = 60, 40, 64
FAULT_LAYER = "model.layers.1.mlp.down_proj"
PROBED_LAYER, PROBED_STEP = "model.layers.0.mlp.down_proj", 5
LINEARS = [f"model.layers.{b}.{m}" for b in range(2) for m in (
    "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")]


@pytest.fixture(scope="module")
def job(server):
    torch.manual_seed(0)
    model = TinyLlama(vocab=VOCAB)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    run = qs.init(url=server.url, name="pytest-llama", config={"lr": 3e-3, "steps": STEPS})
    qs.watch(model, recipe=qs.Delayed(format="e4m3", history=64, algorithm="max"), what_if=("hif8", "mxfp8-e4m3"))
    state = {"step": 0, "captured": None}

    def fault(module, inputs):
        return (inputs[0] * 20,) if state["step"] >= FAULT_STEP else None

    def capture(module, inputs):
        if state["step"] == PROBED_STEP:
            state["captured"] = inputs[0].detach().clone()

    layers = dict(model.named_modules())
    layers[FAULT_LAYER].register_forward_pre_hook(fault)
    layers[PROBED_LAYER].register_forward_pre_hook(capture)
    data = batches(VOCAB, 8, 32, seed=0)
    for step in range(STEPS):
        state["step"] = step
        seq = next(data)
        loss = F.cross_entropy(model(seq[:, :-1]).reshape(-1, VOCAB), seq[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad()
        run.log(step, loss=loss, lr=3e-3)
    assert run.finish(timeout=60)
    server.wait_status(run.id, "completed", "failed")  # every point stored
    return {"id": run.id, "captured": state["captured"], "run": run}


def _q(**params):
    return urllib.parse.urlencode(params)


def _at(values, steps, step):
    return values[steps.index(float(step))]


def test_watch_llamaJob_runCompletedWithConfigInNotes(server, job):
    run = server.wait_status(job["id"], "completed", "failed")
    assert (run["status"], run["kind"], run["lastStep"]) == ("completed", "external", STEPS - 1)
    assert '"lr": 0.003' in run["notes"] and job["run"].dropped == 0


@pytest.mark.parametrize("role", ["input", "weight", "grad"])
def test_watch_llamaJob_heatmapsHaveEveryLinearAndStep(server, job, role):
    heat = server.get(f"/api/runs/{job['id']}/heatmap?{_q(metric='amax', role=role)}")
    assert heat["layers"] == LINEARS  # every nn.Linear by module name, lm_head left out
    assert heat["steps"] == [float(s) for s in range(STEPS)]
    assert all(v is not None and v > 0 for row in heat["values"] for v in row)
    for metric in ("overflowFraction", "saturationEvent", "sqnrDb", "mse", "whatIf.hif8.sqnrDb", "whatIf.mxfp8-e4m3.mse"):
        heat = server.get(f"/api/runs/{job['id']}/heatmap?{_q(metric=metric, role=role)}")
        assert all(v is not None for row in heat["values"] for v in row), metric


def test_watch_llamaJob_layerPanelSeriesPresent(server, job):
    for metric, role in (("kurtosis", "input"), ("channelRatio", "input"), ("weightNorm", "weight"), ("gradNorm", "weight"),
                         ("underflowFraction", "grad"), ("saturationRate", "input"), ("amaxPred", "grad")):
        series = server.get(f"/api/runs/{job['id']}/series?{_q(metric=metric, layer=PROBED_LAYER, role=role)}")
        assert [p["step"] for p in series] == [float(s) for s in range(STEPS)], metric
    top = server.get(f"/api/runs/{job['id']}/series?{_q(metric=f'outliers.{PROBED_LAYER}.0.absmax')}")
    assert len(top) == STEPS and all(p["value"] > 0 for p in top)


def test_watch_faultFromStep40_saturationAndOverflowJumpThere(server, job):
    events = server.get(f"/api/runs/{job['id']}/series?{_q(metric='saturationEvent', layer=FAULT_LAYER)}")
    ratio = server.get(f"/api/runs/{job['id']}/series?{_q(metric='amaxRatio', layer=FAULT_LAYER)}")
    overflow = server.get(f"/api/runs/{job['id']}/series?{_q(metric='overflowFraction', layer=FAULT_LAYER)}")
    by_step = lambda series: {int(p["step"]): p["value"] for p in series}  # noqa: E731
    events, ratio, overflow = by_step(events), by_step(ratio), by_step(overflow)
    assert events[FAULT_STEP] == 1.0
    assert ratio[FAULT_STEP] > 10  # amax jumped ~20x over the history's max
    before = max(overflow[s] for s in range(FAULT_STEP - 10, FAULT_STEP))
    assert overflow[FAULT_STEP] > 0.02 and overflow[FAULT_STEP] > 20 * before
    # After the jump the x20 amax is in the history: the scale caught up, nothing clips any more.
    assert all(overflow[s] <= before + 1e-3 for s in range(FAULT_STEP + 2, STEPS))


def test_watch_faultFromStep40_saturationDetectorNamesTheLayer(server, job):
    findings = server.get(f"/api/runs/{job['id']}/diagnosis")["findings"]
    saturation = [f for f in findings if f["detector"] == "amax-saturation" and f["chart"]["role"] == "input"]
    # Histories start empty at step 0 (no warmup), so the detector may add its "saturation at QAT start" finding for
    # the first steps; the whole-run finding is the one that must name the faulty layer.
    whole_run = [f for f in saturation if "QAT start" not in f["title"]]
    assert len(whole_run) == 1 and len(saturation) <= 2
    saturation = whole_run
    # A young model's activations grow step after step, so delayed scaling saturates in other layers too (the finding
    # says so); the faulty layer must be among the layers it names (its jump at step 40 is checked above).
    assert FAULT_LAYER in saturation[0]["layers"]
    assert saturation[0]["severity"] in ("warning", "critical")


def test_watch_oneLayersStatistics_equalTheEnginesForTheSameTensorAndScale(server, job):
    x = job["captured"].reshape(-1)
    series = lambda metric: {int(p["step"]): p["value"] for p in server.get(  # noqa: E731
        f"/api/runs/{job['id']}/series?{_q(metric=metric, layer=PROBED_LAYER, role='input')}")}
    scale = series("scale")[PROBED_STEP]
    body = {"values": x.tolist(), "scale": scale}
    q = torch.tensor([float(v) for v in server.post("/api/formats/e4m3/quantize", body)["values"]], dtype=torch.float32)
    s = torch.tensor(scale, dtype=torch.float32)
    mine, _, _ = qs.kernels.fake_quant(x, s, "e4m3")
    assert torch.equal(mine, q)  # the hooked layer's quantizer is the engine's, bit for bit
    n = x.numel()
    scaled = (x * s).abs()
    diff = (q.double() - x.double())
    expected = {
        "amax": x.abs().max().item(),
        "overflowFraction": (scaled > 448).sum().item() / n,
        "underflowFraction": ((x != 0) & (q == 0)).sum().item() / n,
        "mse": (diff * diff).sum().item() / n,
        "sqnrDb": 10 * math.log10((x.double() ** 2).sum().item() / (diff * diff).sum().item()),
    }
    logged = {metric: series(metric)[PROBED_STEP] for metric in expected}
    # Counts are exact. The two energies are float32 dot products on the device (as in the engine) against float64
    # sums here: 32768 terms leave a relative error of order sqrt(n) * 2^-24 ~ 1e-5, bounded by 1e-4.
    for metric in ("amax", "overflowFraction", "underflowFraction"):
        assert logged[metric] == pytest.approx(expected[metric], rel=1e-7, abs=0), metric
    assert logged["mse"] == pytest.approx(expected["mse"], rel=1e-4)
    assert logged["sqnrDb"] == pytest.approx(expected["sqnrDb"], abs=1e-3)  # 10*log10(1 + 1e-4) = 4e-4 dB
