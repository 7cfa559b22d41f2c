"""Scale math and the delayed-scaling state on edge cases, with the engine's rules (ScaleMath, DelayedScalingState),
and recipe validation naming the field."""

import math

import pytest
import torch

import quantscope as qs
from quantscope.finish import kurtosis, sqnr_db
from quantscope.scaling import ScalingState, amax_of, compute_scale

F32_MAX = torch.finfo(torch.float32).max


@pytest.mark.parametrize("amax,expected", [
    (0.0, 0.5),                      # unusable: the previous scale stays
    (math.nan, 0.5), (math.inf, 0.5), (-1.0, 0.5),
    (1e-45, F32_MAX),                # 448 / tiny overflows float32: capped at its max, as TE does
    (448.0, 1.0), (3.5, 128.0), (1e-3, 448000.0),
])
def test_computeScale_edgeAmax_engineRules(amax, expected):
    scale = compute_scale(448.0, torch.tensor(amax), 0, torch.tensor(0.5))
    assert scale.item() == pytest.approx(expected, rel=1e-7)


def test_computeScale_margin_dividesByPowerOfTwo():
    assert compute_scale(448.0, torch.tensor(7.0), 2, torch.tensor(1.0)).item() == 16.0


def test_amaxOf_nan_propagates():
    assert math.isnan(amax_of(torch.tensor([1.0, math.nan, -3.0])).item())
    assert amax_of(torch.tensor([1.0, -3.0, 2.0])).item() == 3.0


def test_delayedState_firstStepOwnAmaxThenHistoryUpToPreviousStep():
    state = ScalingState(qs.Delayed(format="e4m3", history=2), "e4m3", "cpu")
    amaxes, used = [4.0, 8.0, 2.0, 1.0, 1.0], []
    for a in amaxes:
        scale, pred = state.scale_for(torch.tensor(a))
        used.append((pred.item(), scale.item()))
        state.update(torch.tensor(a))
    # step 0: own amax; step t: max over the last 2 amaxes before t.
    assert used == [(4.0, 112.0), (4.0, 112.0), (8.0, 56.0), (8.0, 56.0), (2.0, 224.0)]


def test_delayedState_mostRecentAndHiF8Target():
    state = ScalingState(qs.Delayed(format="hif8", history=4, algorithm="most_recent"), "hif8", "cpu")
    for a in (3.0, 5.0):
        state.update(torch.tensor(a))
    scale, pred = state.scale_for(torch.tensor(100.0))
    assert (pred.item(), scale.item()) == (5.0, 3.0)  # HiF8 scales amaxPred to max_val 15


def test_delayedState_updatePeriod_holdsTheScaleBetweenUpdates():
    state = ScalingState(qs.Delayed(history=8, update_period=3), "e4m3", "cpu")
    preds = []
    for a in (1.0, 2.0, 4.0, 8.0):
        state.update(torch.tensor(a))
        preds.append(state.scale_for(torch.tensor(0.0))[1].item())
    assert preds == [1.0, 1.0, 4.0, 4.0]  # recomputed after updates 1 and 3


@pytest.mark.parametrize("kwargs,field", [
    ({"format": "int4"}, "format"), ({"format": "fp7"}, "format"), ({"history": 0}, "history"),
    ({"algorithm": "median"}, "algorithm"), ({"margin": -1}, "margin"), ({"update_period": 0}, "update_period"),
    ({"grad_format": "mxfp4"}, "grad_format"),
])
def test_delayed_badField_errorNamesIt(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        qs.Delayed(**kwargs)


def test_block_perTensorFormat_errorNamesTheField():
    with pytest.raises(ValueError, match="^format:"):
        qs.Block(format="e4m3")


def test_sqnrAndKurtosis_engineDefinitions():
    assert sqnr_db(0.0, 5.0) == 300.0
    assert sqnr_db(1.0, 1000.0) == pytest.approx(30.0)
    # x = [-1, 1] repeated: m2 = 1, m4 = 1 -> kurtosis 1; a constant tensor has none.
    assert kurtosis(4, 0.0, 4.0, 0.0, 4.0) == 1.0
    assert math.isnan(kurtosis(3, 6.0, 12.0, 24.0, 48.0))
