"""Device kernels of the per-layer statistics: counts and sums only, written into the probe's float64 buffer, never
read on the host here (the engine's FakeQuantizer, QuantErrorStats, DistributionStats, HiF8TierStats, WhatIfStats).
Cheap forms as measured for the engine: count_nonzero instead of bool sums, dot products for energies, raw power sums
for the kurtosis, overflow = count_nonzero(scaled - clamp(scaled)). Big intermediates go into work tensors a `scratch`
(quantscope.scratch.Scratch) lends, when given."""

import torch

from . import formats
from .scratch import take

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


def _on_grid(clamped, fmt, work, signed_zeros, scratch):
    """The clamped, scaled tensor on the format's grid, in place where it can: torch's float8 cast where torch has it
    (2.1+; identical values, the engine does the same with libtorch's), the emulation otherwise (torch 1.13; `work`:
    round_float's two work tensors). HiF8 in the scratch's slots (float slot 5 holds the result)."""
    native = _NATIVE.get(fmt)
    if native is not None and clamped.dtype == torch.float32:
        return clamped.copy_(clamped.to(native))
    if fmt == "hif8":
        return formats.quantize_hif8(clamped, scratch)
    spec = formats.FLOAT_SPECS.get(fmt)
    if spec is None:
        return formats.quantize(clamped, fmt)
    return formats.round_float(clamped, spec, work, signed_zeros)


def fake_quant(x, scale, fmt, scratch=None):
    """(q, overflow count, scaled): q = Q(clamp(x*scale, +-max)) / scale; overflow = elements with |x*scale| above the
    scaling target (HiF8: 15), NaN counted; scaled = x*scale where the target is below the format max (HiF8, whose
    tier bins need it), else None. x float32, scale 0-d float32.

    Every big intermediate is written into an existing tensor: `scratch` lends them (q is then its slot 1, HiF8's q
    its slot 5 and scaled its slot 0, valid until the scratch is used again); without it they are made here. On a CPU
    a new multi-megabyte tensor costs more in page faults than the arithmetic on it. With `scratch` q is for statistics
    (counts and sums): a negative value that the cast takes to -0 may read +0 there."""
    flat = x.reshape(-1)
    scaled, clamped, spare = take(scratch, flat, 3)
    torch.mul(flat, scale, out=scaled)
    fmax = formats.format_max(fmt)
    torch.clamp(scaled, -fmax, fmax, out=clamped)
    target = formats.target_max(fmt)
    if target >= fmax:
        overflow = torch.count_nonzero(scaled.sub_(clamped).view(torch.int32))  # x - x is +0: zero bits
        q = _on_grid(clamped, fmt, (scaled, spare), scratch is None, scratch)  # scaled is no longer needed: work space
        scaled = None
    else:
        overflow = torch.count_nonzero(torch.clamp(scaled, -target, target, out=spare).sub_(scaled).view(torch.int32))
        q = _on_grid(clamped, fmt, None, True, scratch)
        scaled = scaled.view(x.shape)
    return q.div_(scale).view(x.shape), overflow, scaled


def _count_nonzero(flat, work):
    """Nonzero elements of a flat float32 tensor (NaN counted, -0 not): on the integer view with the sign bit cleared
    into `work`, twice as fast on a CPU as counting floats."""
    if flat.dtype != torch.float32:
        return torch.count_nonzero(flat)
    return torch.count_nonzero(torch.bitwise_and(flat.view(torch.int32), 0x7FFFFFFF, out=work.view(torch.int32)))


def _sums(x, q, scratch):
    """[elements, nonzero x, nonzero q] (int64) and [sum (q-x)^2, sum x^2] (float32) of one tensor; uses the
    scratch's slot 0 (or a new tensor), ending with q - x there."""
    flat_x, flat_q = x.reshape(-1), q.reshape(-1)
    work = take(scratch, flat_x, 1)[0]
    counts = torch.stack([_count_nonzero(flat_x, work), _count_nonzero(flat_q, work)])
    diff = torch.sub(flat_q, flat_x, out=work)
    return counts, torch.stack([torch.dot(diff, diff), torch.dot(flat_x, flat_x)])


_BOUNDARIES = {}


def _boundaries(device):
    """The HiF8 tier thresholds on `device`, made once (a host-to-device copy per call would be a sync point)."""
    if device not in _BOUNDARIES:
        _BOUNDARIES[device] = torch.tensor(_HIF8_THRESHOLDS, dtype=torch.float32, device=device)
    return _BOUNDARIES[device]


def role_stats(x, q, overflow, scaled_hif8, scratch=None):
    """float64 [elements .. hif8Bin7] (RAW[0:14]) of a quantized role; HiF8 bins -1 unless `scaled_hif8` is given.
    With `scratch`, q and scaled_hif8 may be fake_quant's scratch slots (read before slot 0 is written)."""
    if scaled_hif8 is None:
        bins = torch.full((HIF8_BINS,), -1.0, dtype=torch.float64, device=x.device)
    else:
        boundaries = _boundaries(x.device)
        bins = torch.bucketize(scaled_hif8.abs().reshape(-1), boundaries, right=True).bincount(minlength=HIF8_BINS)
    counts, energies = _sums(x, q, scratch)
    elements = torch.full((1,), float(x.numel()), dtype=torch.float64, device=x.device)
    return torch.cat([elements, overflow.reshape(1).to(torch.float64), counts.to(torch.float64),
                      energies.to(torch.float64), bins.to(torch.float64)])


def shape_stats(x, top_k, scratch=None):
    """Input shape: float64 [sum x, sum x^3, sum x^4, median channel absmax] and, for top_k > 0, (absmax [k], channel
    indices [k]) of the largest channels (channels = the last dim). Uses the scratch's slots 0 and 1."""
    flat = x.reshape(-1)
    square, magnitude = take(scratch, flat, 2)
    torch.mul(flat, flat, out=square)
    per_channel = torch.abs(flat, out=magnitude).view(-1, x.shape[-1]).amax(0)
    sums = torch.stack([flat.sum(), torch.dot(square, flat), torch.dot(square, square), per_channel.median()])
    if top_k <= 0:
        return sums.to(torch.float64), None
    values, indices = per_channel.topk(min(top_k, per_channel.shape[0]))
    return sums.to(torch.float64), torch.stack([values, indices.to(values.dtype)])


def what_if(x, amax, fmt, scratch=None):
    """float64 [WHATIF_WIDTH] of casting x to `fmt` beside training: per-tensor formats scaled by this step's amax to
    their target, block formats by their own blocks (NaN when the last dim does not fit the block)."""
    if formats.is_per_tensor(fmt):
        usable = (amax > 0) & torch.isfinite(amax)
        # The engine writes amax.reciprocal() * target; kept in that order for identical float32 rounding.
        scale = torch.where(usable, amax.reciprocal() * formats.target_max(fmt), torch.ones_like(amax))
        q, overflow, _ = fake_quant(x, scale, fmt, scratch)
    else:
        block = formats.block_size(fmt)
        if block is not None and x.shape[-1] % block:
            return torch.full((WHATIF_WIDTH,), float("nan"), dtype=torch.float64, device=x.device)
        q = formats.quantize(x, fmt, scratch)
        overflow = torch.zeros((), dtype=torch.int64, device=x.device)
    counts, energies = _sums(x, q, scratch)
    elements = torch.full((1,), float(x.numel()), dtype=torch.float64, device=x.device)
    return torch.cat([elements, overflow.reshape(1).to(torch.float64), counts.to(torch.float64), energies.to(torch.float64)])
