"""The statistics kernels and their host formulas on small tensors with exact answers (engine definitions)."""

import math

import torch

from quantscope import kernels
from quantscope.finish import Finisher


def test_fakeQuant_overflowUnderflowAndEnergies_exactCounts():
    x = torch.tensor([1.0, -500.0, 1e-4, 0.0, 2.0, 1.0625])
    q, overflow, _ = kernels.fake_quant(x, torch.tensor(1.0), "e4m3")
    assert q.tolist() == [1.0, -448.0, 0.0, 0.0, 2.0, 1.0]
    stats = kernels.role_stats(x, q, overflow, None).tolist()
    # elements, overflow (|x| > 448), nonzero x, nonzero q, sum (q-x)^2, sum x^2, then 8 HiF8 bins (-1: not HiF8)
    assert stats[:4] == [6.0, 1.0, 5.0, 4.0]
    assert stats[4] == torch.dot(q - x, q - x).item() and stats[5] == torch.dot(x, x).item()
    assert stats[6:14] == [-1.0] * 8


def test_hif8Tiers_scaledMagnitudes_landInTheirTiers():
    # Scaled magnitudes: 1 (|E| <= 3: 3 bits), 20 (E = 4: 2 bits), 300 (E = 8: 1 bit), 2^-20 (0 bits), 0, 2^17 (none).
    x = torch.tensor([1.0, 20.0, -300.0, 2.0 ** -20, 0.0, 2.0 ** 17])
    q, overflow, scaled = kernels.fake_quant(x, torch.tensor(1.0), "hif8")
    assert overflow.item() == 3  # above HiF8's scaling target 15: 20, 300, 2^17
    raw = torch.full((1, 3, kernels.RAW_WIDTH), math.nan, dtype=torch.float64)
    raw[0, 0, :14] = kernels.role_stats(x, q, overflow, scaled)
    window = [1.0, 1.0, 1.0] + [math.nan] * 6  # amax, amaxPred, scale of the input; weight and grad not observed
    batch = Finisher(["fc"], [], [], 0).batch([7], 7, window + raw.reshape(-1).tolist(), [])
    got = {name: value for name, value in zip(batch["names"], batch["values"])}
    assert [got[f"hif8Tier{b}Bit"] for b in (3, 2, 1, 0)] == [1 / 6] * 4
    assert got["overflowFraction"] == 0.5 and got["saturationEvent"] == 0.0


def test_whatIf_blockNotFittingLastDim_notMeasured():
    raw = kernels.what_if(torch.randn(4, 48), torch.tensor(3.0), "mxfp4")
    assert all(math.isnan(v) for v in raw.tolist())


def test_shapeStats_topChannelsAndMedian():
    x = torch.tensor([[1.0, -8.0, 2.0, 0.5], [-3.0, 1.0, 0.0, 0.25]])
    sums, top = kernels.shape_stats(x, 2)
    # channel absmax [3, 8, 2, 0.5]: median (lower of the middle two) 2; top: 8 at channel 1, 3 at channel 0
    assert sums.tolist()[3] == 2.0 and sums.tolist()[0] == x.sum().item()
    assert top.tolist() == [[8.0, 3.0], [1.0, 0.0]]
