"""The cheap forms of the stats step give the same values as the plain ones: FP8 rounding by an added constant against
the spacing formula in float64, kernels with and without a scratch, and layers sharing one input (measured once)
against the same layers reading copies of it."""

import torch
from torch import nn

from quantscope import formats, kernels
from quantscope.probe import Probe
from quantscope.recipe import Delayed
from quantscope.scratch import Scratch


def _reference(x, spec):
    """Spacing 2^(max(floor(log2|x|), emin) - mbits), round half to even, in float64 (exact for float32 values)."""
    xd = x.double().clamp(-spec.max_value, spec.max_value)
    _, e = torch.frexp(xd)
    exponent = (e - 1).double().clamp_min(spec.min_normal_exponent)
    spacing = torch.exp2(exponent - spec.mantissa_bits)
    return (torch.round(xd / spacing) * spacing).float()


def _values(spec):
    torch.manual_seed(5)
    sub = 2.0 ** (spec.min_normal_exponent - spec.mantissa_bits)
    ties = torch.arange(-600, 600, dtype=torch.float32) * (sub / 2)
    random = torch.randn(20000) * torch.exp2(torch.randint(-30, 12, (20000,)).float())
    edges = torch.tensor([0.0, -0.0, sub / 4, -sub / 4, sub / 2, -sub / 2, 1e-45, -1e-45, spec.max_value,
                          -spec.max_value, spec.max_value * 2, float("inf"), float("-inf")])
    return torch.cat([ties, ties * 16, ties * 1024, random, edges])


def test_roundFloat_addedConstant_equalsSpacingFormulaBitForBit():
    for spec in (formats.E4M3, formats.E5M2, formats.E2M1):
        x = _values(spec)
        got = formats.quantize_float(x, spec)
        assert torch.equal(got.view(torch.int32), _reference(x, spec).view(torch.int32)), spec.name  # -0 kept
        assert got[-3:].tolist() == [spec.max_value, spec.max_value, -spec.max_value]  # 2 max, inf, -inf
        nan = formats.quantize_float(torch.tensor([float("nan")]), spec)
        assert torch.isnan(nan).all()


def test_roundFloat_withoutSignedZeros_onlyZerosSignDiffers():
    x = _values(formats.E4M3).clamp(-448, 448)
    signed = formats.round_float(x.clone(), formats.E4M3)
    unsigned = formats.round_float(x.clone(), formats.E4M3, signed_zeros=False)
    assert torch.equal(signed, unsigned)  # equal values (-0 == +0)
    differs = signed.view(torch.int32) != unsigned.view(torch.int32)
    assert int(differs.sum()) == int(((signed == 0) & torch.signbit(signed)).sum()) > 0


def test_hif8_tableAndInPlace_equalsTheFormulaBitForBit():
    torch.manual_seed(8)
    k = torch.arange(-3000, 3000, dtype=torch.float32)
    x = torch.cat([torch.randn(50000) * torch.exp2(torch.randint(-30, 20, (50000,)).float()), k / 8 + 1 / 16,
                   k * 16 + 8, k / 2 ** 26, torch.tensor([0.0, -0.0, 2.0 ** -23, -2.0 ** -24, 32768.0, 40959.0,
                                                          40960.0, -40960.0, float("inf"), float("-inf"), 1e-45])])
    expected = formats._quantize_hif8_formula(x)
    for scratch in (None, Scratch()):
        assert torch.equal(formats.quantize_hif8(x, scratch).view(torch.int32), expected.view(torch.int32))
    assert torch.isnan(formats.quantize_hif8(torch.tensor([float("nan")]))).all()


def _same(a, b):
    """Equal values, NaN where the other has NaN (NaN: not measured)."""
    return torch.equal(a.isnan(), b.isnan()) and torch.equal(a.nan_to_num(), b.nan_to_num())


def test_kernels_withScratch_sameStatisticsAsWithout():
    torch.manual_seed(6)
    scratch = Scratch()
    for fmt, shape in (("e4m3", (64, 96)), ("e5m2", (32, 40)), ("hif8", (16, 64)), ("e4m3", (8, 8))):
        x = torch.randn(shape) * 3
        x[0, :4] = torch.tensor([0.0, -0.0, 1e-9, -1e-9])
        scale = torch.tensor(60.0)
        plain = kernels.role_stats(x, *kernels.fake_quant(x, scale, fmt))
        q, overflow, scaled = kernels.fake_quant(x, scale, fmt, scratch)
        cheap = kernels.role_stats(x, q, overflow, scaled, scratch)
        assert torch.equal(plain, cheap), fmt
        for top_k in (0, 3):
            a, b = kernels.shape_stats(x, top_k), kernels.shape_stats(x, top_k, scratch)
            assert torch.equal(a[0], b[0]) and (a[1] is None and b[1] is None or torch.equal(a[1], b[1]))
        amax = x.abs().max()
        for f in ("hif8", "e4m3", "mxfp8-e4m3"):
            assert _same(kernels.what_if(x, amax, f), kernels.what_if(x, amax, f, scratch)), f


class _Pair(nn.Module):
    """Two linears on one input (`copies`: each on a copy of it); `skip_b` leaves b out of a forward."""

    def __init__(self, copies):
        super().__init__()
        self.a, self.b = nn.Linear(32, 16), nn.Linear(32, 16)
        self.copies, self.skip_b = copies, False

    def forward(self, x):
        h = x * 0.5
        ya = self.a(h.clone() if self.copies else h)
        yb = 0 if self.skip_b else self.b(h.clone() if self.copies else h)
        return (ya + yb).sum()


def _windows(copies):
    torch.manual_seed(7)
    model = _Pair(copies)
    probe = Probe(model, recipe=Delayed(history=2), what_if=("e5m2",))
    out = []
    for step in range(5):
        model.skip_b = step == 1  # b's amax history falls behind a's: their scales differ from step 2
        model(torch.randn(8, 32) * (5 - step)).backward()  # falling amax: a max-of-history scale keeps the old
        out.append(probe.collect(step)[0])
    return out


def test_watch_sharedInput_sameValuesAsCopiesEvenWhenScalesDiverge():
    shared, copied = _windows(False), _windows(True)
    for step, (s, c) in enumerate(zip(shared, copied)):
        assert _same(s, c), step
    # From step 2 the two layers' input scales differ (b missed step 1), so both were measured, not copied.
    window = shared[3][:2 * 3 * 3].reshape(2, 3, 3)
    assert window[0, 0, 2].item() != window[1, 0, 2].item()
