"""Device kernels of the per-layer statistics: counts and sums only, written into the probe's float64 buffer, never
read on the host here (the engine's FakeQuantizer, QuantErrorStats, DistributionStats, HiF8TierStats, WhatIfStats).
Cheap forms as measured for the engine: count_nonzero instead of bool sums, dot products for energies, raw power sums
for the kurtosis, overflow = count_nonzero(scaled - clamp(scaled))."""

import torch

from . import formats

__all__ = ["RAW", "RAW_WIDTH", "WHATIF_WIDTH", "HIF8_BINS", "fake_quant", "role_stats", "shape_stats", "what_if"]

# Raw columns of one (layer, role) row, in order; NaN = not measured on this step.
RAW = ("elements", "overflow", "nonzeroX", "nonzeroQ", "errorEnergy", "signalEnergy",
       "hif8Bin0", "hif8Bin1", "hif8Bin2", "hif8Bin3", "hif8Bin4", "hif8Bin5", "hif8Bin6", "hif8Bin7",
       "sumX", "sumX3", "sumX4", "channelMedian", "gradNorm")
RAW_WIDTH = len(RAW)
HIF8_BINS = 8
WHATIF_WIDTH = 6  # elements, overflow, nonzero x, nonzero q, sum (q-x)^2, sum x^2
_HIF8_THRESHOLDS = [2.0 ** -23, 2.0 ** -15, 2.0 ** -7, 2.0 ** -3, 2.0 ** 4, 2.0 ** 8, 2.0 ** 16]
_NATIVE = {"e4m3": getattr(torch, "float8_e4m3fn", None), "e5m2": getattr(torch, "float8_e5m2", None)}


def _on_grid(clamped, fmt):
    """The clamped, scaled tensor on the format's grid: torch's float8 cast where torch has it (2.1+; identical values,
    the engine does the same with libtorch's), the emulation otherwise (torch 1.13; it overwrites `clamped`)."""
    native = _NATIVE.get(fmt)
    if native is not None and clamped.dtype == torch.float32:
        return clamped.to(native).to(torch.float32)
    spec = formats.FLOAT_SPECS.get(fmt)
    return formats.round_float(clamped, spec) if spec is not None else formats.quantize(clamped, fmt)


def fake_quant(x, scale, fmt):
    """(q, overflow count, scaled): q = Q(clamp(x*scale, +-max)) / scale; overflow = elements with |x*scale| above the
    scaling target (HiF8: 15), NaN counted; scaled = x*scale where the target is below the format max (HiF8, whose
    tier bins need it), else None. x float32, scale 0-d float32. Every big intermediate is made once and then worked
    in place (on a CPU a new multi-megabyte tensor costs more in page faults than the arithmetic)."""
    scaled = x * scale
    fmax = formats.format_max(fmt)
    clamped = scaled.clamp(-fmax, fmax)
    target = formats.target_max(fmt)
    if target >= fmax:
        overflow = torch.count_nonzero(scaled.sub_(clamped))  # scaled is not needed after this
        scaled = None
    else:
        overflow = torch.count_nonzero(scaled - scaled.clamp(-target, target))
    return _on_grid(clamped, fmt).div_(scale), overflow, scaled  # _on_grid's result is a fresh tensor


def _sums(x, q):
    """[elements, nonzero x, nonzero q] (int64) and [sum (q-x)^2, sum x^2] (float32) of one tensor."""
    flat_x = x.reshape(-1)
    diff = q.reshape(-1) - flat_x
    counts = torch.stack([torch.count_nonzero(flat_x), torch.count_nonzero(q)])
    return counts, torch.stack([torch.dot(diff, diff), torch.dot(flat_x, flat_x)])


_BOUNDARIES = {}


def _boundaries(device):
    """The HiF8 tier thresholds on `device`, made once (a host-to-device copy per call would be a sync point)."""
    if device not in _BOUNDARIES:
        _BOUNDARIES[device] = torch.tensor(_HIF8_THRESHOLDS, dtype=torch.float32, device=device)
    return _BOUNDARIES[device]


def role_stats(x, q, overflow, scaled_hif8):
    """float64 [elements .. hif8Bin7] (RAW[0:14]) of a quantized role; HiF8 bins -1 unless `scaled_hif8` is given."""
    counts, energies = _sums(x, q)
    elements = torch.full((1,), float(x.numel()), dtype=torch.float64, device=x.device)
    if scaled_hif8 is None:
        bins = torch.full((HIF8_BINS,), -1.0, dtype=torch.float64, device=x.device)
    else:
        boundaries = _boundaries(x.device)
        bins = torch.bucketize(scaled_hif8.abs().reshape(-1), boundaries, right=True).bincount(minlength=HIF8_BINS)
    return torch.cat([elements, overflow.reshape(1).to(torch.float64), counts.to(torch.float64),
                      energies.to(torch.float64), bins.to(torch.float64)])


def shape_stats(x, top_k):
    """Input shape: float64 [sum x, sum x^3, sum x^4, median channel absmax] and, for top_k > 0, (absmax [k], channel
    indices [k]) of the largest channels (channels = the last dim)."""
    flat = x.reshape(-1)
    square = flat * flat
    per_channel = x.reshape(-1, x.shape[-1]).abs().amax(0)
    sums = torch.stack([flat.sum(), torch.dot(square, flat), torch.dot(square, square), per_channel.median()])
    if top_k <= 0:
        return sums.to(torch.float64), None
    values, indices = per_channel.topk(min(top_k, per_channel.shape[0]))
    return sums.to(torch.float64), torch.stack([values, indices.to(values.dtype)])


def what_if(x, amax, fmt):
    """float64 [WHATIF_WIDTH] of casting x to `fmt` beside training: per-tensor formats scaled by this step's amax to
    their target, block formats by their own blocks (NaN when the last dim does not fit the block)."""
    if formats.is_per_tensor(fmt):
        target = formats.target_max(fmt)
        usable = (amax > 0) & torch.isfinite(amax)
        # The engine writes amax.reciprocal() * target; kept in that order for identical float32 rounding.
        scale = torch.where(usable, amax.reciprocal() * target, torch.ones_like(amax))
        scaled = x * scale
        overflow = torch.count_nonzero(scaled - scaled.clamp(-target, target))
        fmax = formats.format_max(fmt)
        q = formats.quantize(scaled.clamp(-fmax, fmax), fmt) / scale
    else:
        block = formats.block_size(fmt)
        if block is not None and x.shape[-1] % block:
            return torch.full((WHATIF_WIDTH,), float("nan"), dtype=torch.float64, device=x.device)
        q = formats.quantize(x, fmt)
        overflow = torch.zeros((), dtype=torch.int64, device=x.device)
    counts, energies = _sums(x, q)
    elements = torch.full((1,), float(x.numel()), dtype=torch.float64, device=x.device)
    return torch.cat([elements, overflow.reshape(1).to(torch.float64), counts.to(torch.float64), energies.to(torch.float64)])
