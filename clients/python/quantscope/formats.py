"""The engine's number formats in torch ops, bit-identical to src/Engine/Numerics (tested against the dashboard's
POST /api/formats/{name}/quantize).

Works on torch 1.13 (no float8 dtypes): every format is emulated in float32 (MX in float64) with exact steps, so the
values are exactly the format's values. Names as the engine's: e4m3, e5m2, e2m1, hif8, intN (per channel = last
dim), intN-pt (per tensor), intN-gG (groups of G, 16..1024), mxfp8-e4m3, mxfp8-e5m2, mxfp4, nvfp4.

    q = quantize(x, "e4m3")            # round to nearest even, saturating at +-448, NaN stays NaN
"""

import math
import re
from dataclasses import dataclass

import torch

from .scratch import take

__all__ = ["FloatSpec", "E4M3", "E5M2", "E2M1", "HIF8_MAX", "HIF8_MAX_VAL", "NAMES", "quantize", "quantize_float", "round_float", "FLOAT_SPECS",
           "quantize_hif8", "quantize_int", "quantize_mx", "quantize_nvfp4", "target_max", "format_max", "block_size",
           "is_per_tensor"]


@dataclass(frozen=True)
class FloatSpec:
    """A small binary float: sign + exponent bits + mantissa bits, saturating at +-max (src/Engine/Numerics/FloatFormat)."""
    name: str
    exponent_bits: int
    mantissa_bits: int
    bias: int
    max_value: float

    @property
    def min_normal_exponent(self):
        return 1 - self.bias

    @property
    def max_exponent(self):
        return int(math.floor(math.log2(self.max_value)))


E4M3 = FloatSpec("e4m3", 4, 3, 7, 448.0)
E5M2 = FloatSpec("e5m2", 5, 2, 15, 57344.0)
E2M1 = FloatSpec("e2m1", 2, 1, 1, 6.0)
_FLOATS = {"e4m3": E4M3, "e5m2": E5M2, "e2m1": E2M1}
FLOAT_SPECS = _FLOATS  # per-tensor float formats by name
_MX = {"mxfp8-e4m3": E4M3, "mxfp8-e5m2": E5M2, "mxfp4": E2M1}

HIF8_MAX = 32768.0
HIF8_MAX_VAL = 15.0  # HiF8's scaling target (Ascend's max_val), far below the format max
_HIF8_OVERFLOW = 40960.0  # 1.25 * 2^15: the tie above the max becomes +-inf
_INT = re.compile(r"^int([2-8])(?:-pt|-g(\d+))?$")

NAMES = ("e4m3", "e5m2", "e2m1", "hif8", "int8", "int4", "mxfp8-e4m3", "mxfp8-e5m2", "mxfp4", "nvfp4")


def _floor_log2(m):
    """Exact floor(log2 m) for finite m > 0 (frexp: m = f * 2^e with f in [0.5, 1)), any float dtype. Other values
    (0, inf, NaN) get an arbitrary exponent: callers clamp or mask them."""
    _, e = torch.frexp(m)
    return (e - 1).to(m.dtype)


# Per float dtype: its integer view, stored mantissa bits, exponent bias.
_BITS = {torch.float32: (torch.int32, 23, 127), torch.float64: (torch.int64, 52, 1023)}


def quantize_float(x, spec):
    """Onto a FloatSpec grid: clamp to +-max (inf -> max, NaN passes), spacing 2^(max(floor(log2|x|), emin) - mbits),
    round half to even. Same dtype; exact (src/Engine/Numerics/FloatQuantizer.Quantize)."""
    return round_float(x.clamp(-spec.max_value, spec.max_value), spec)


def round_float(clamped, spec, work=None, signed_zeros=True):
    """quantize_float's rounding of a tensor already clamped to +-max (callers that clamped anyway skip a pass).
    float32/float64 `clamped` is overwritten and returned (pass a tensor of your own); `work`: two flat tensors of its
    numel and dtype to use as scratch (else made here): on a CPU every new multi-megabyte tensor costs page faults that
    outweigh the arithmetic. `signed_zeros=False` (for counts and sums, which cannot tell -0 from +0) leaves a negative
    value that rounds to zero at +0 and saves two passes.

    float32/float64 round by adding and taking away C = 1.5 * 2^(stored mantissa bits) * spacing, made on the integer
    view from each element's exponent field (clamped below at the format's smallest normal exponent: the subnormal
    spacing): the float addition rounds to a multiple of the spacing, half to even, and the subtraction is exact.
    Zeros get the input's sign back (an exact sum is +0). NaN stays NaN. Seven passes (five without the signs), in
    place, no select."""
    if clamped.dtype not in _BITS:
        exponent = _floor_log2(clamped.abs()).clamp_min_(spec.min_normal_exponent)
        spacing = torch.exp2(exponent - spec.mantissa_bits)
        return torch.round(clamped / spacing) * spacing
    int_type, stored, bias = _BITS[clamped.dtype]
    if not clamped.is_contiguous():
        clamped = clamped.contiguous()
    flat = clamped.view(-1)
    magic, sign = work if work is not None else (torch.empty_like(flat), torch.empty_like(flat))
    bits, magic_bits, sign_bits = flat.view(int_type), magic.view(int_type), sign.view(int_type)
    top = 8 * flat.element_size() - 1  # the sign bit
    torch.bitwise_and(bits, ((1 << (top - stored)) - 1) << stored, out=magic_bits)  # the exponent field
    magic_bits.clamp_((spec.min_normal_exponent + bias) << stored, (spec.max_exponent + bias) << stored)
    magic_bits.add_(((stored - spec.mantissa_bits) << stored) + (1 << (stored - 1)))
    if signed_zeros:
        torch.bitwise_and(bits, -(1 << top), out=sign_bits)
    flat.add_(magic).sub_(magic)
    if signed_zeros:
        bits.bitwise_or_(sign_bits)
    return clamped


def _hif8_tier(e):
    a = e.abs()
    return torch.where(a <= 3, torch.full_like(e, 3.0),
                       torch.where(a <= 7, torch.full_like(e, 2.0), torch.where(a <= 15, torch.ones_like(e), torch.zeros_like(e))))


def quantize_hif8(x, scratch=None):
    """HiFloat8: mantissa 3/2/1/0 bits for |E| <= 3/7/15/22, rounding half away from zero; |x| >= 1.25*2^15 -> +-inf,
    |x| < 2^-23 -> +-0, NaN stays NaN (src/Engine/Numerics/HiF8Format).

    float32/float64 take the spacing 2^(E - mantissa bits) from a table indexed by the exponent and work in place
    (in the float slots 3-5, int and bool slots 0-1 of `scratch`, a quantscope.scratch.Scratch, when given: the result
    is then float slot 5, valid until that is used again); other dtypes the elementwise formula."""
    if x.dtype not in _BITS:
        return _quantize_hif8_formula(x)
    int_type = _BITS[x.dtype][0]
    flat = x.reshape(-1)
    mag, spacing, whole = take(scratch, flat, 3, first=3)
    exponent = take(scratch, flat, 1, dtype=torch.int32)[0]
    sign = take(scratch, flat, 1, first=int(int_type == torch.int32), dtype=int_type)[0]
    half, over = take(scratch, flat, 2, dtype=torch.bool)
    torch.abs(flat, out=mag)
    torch.ge(mag, _HIF8_OVERFLOW, out=over)
    mag.clamp_max_(HIF8_MAX)
    torch.frexp(mag, out=(spacing, exponent))  # mag = f * 2^exponent, f in [0.5, 1): floor(log2 mag) = exponent - 1
    exponent.clamp_(-21, 16).sub_(-21)  # E clamped to -22 .. 15, as a table index 0 .. 37
    torch.index_select(_hif8_spacings(x.dtype, x.device), 0, exponent, out=spacing)
    v = mag.div_(spacing)  # exact: a power of two
    torch.floor(v, out=whole)
    torch.ge(v.sub_(whole), 0.5, out=half)  # the fraction: half away from zero
    whole.add_(half).mul_(spacing).masked_fill_(over, math.inf)
    # whole is >= +0 (or NaN): the sign bit of x makes it copysign(whole, x).
    bits = whole.view(int_type)
    bits.bitwise_or_(torch.bitwise_and(flat.view(int_type), -(1 << (8 * flat.element_size() - 1)), out=sign))
    return whole.view(x.shape)


def _hif8_spacings(dtype, device):
    """2^(E - mantissa bits of E) for E = -22 .. 15, as `dtype` on `device` (made once each)."""
    key = (dtype, device)
    if key not in _SPACINGS:
        e = torch.arange(-22, 16, dtype=torch.float64)
        _SPACINGS[key] = torch.exp2(e - _hif8_tier(e)).to(dtype=dtype, device=device)
    return _SPACINGS[key]


_SPACINGS = {}


def _quantize_hif8_formula(x):
    """quantize_hif8 as the formula, for any float dtype."""
    mag = x.abs()
    safe = mag.clamp_max(HIF8_MAX)
    e = _floor_log2(safe).clamp_(-22, 15)
    spacing = torch.exp2(e - _hif8_tier(e))
    v = safe / spacing
    whole = v.floor()
    rounded = (whole + ((v - whole) >= 0.5).to(v.dtype)) * spacing
    q = torch.where(mag >= _HIF8_OVERFLOW, torch.full_like(mag, math.inf), rounded)
    return q.copysign(x)


def quantize_int(x, bits, granularity="channel", group_size=0):
    """Symmetric INT-n: scale = absmax / (2^(n-1)-1) over finite values of each tensor / row (last dim) / group,
    q = clamp(round_half_even(x / scale)) * scale; a zero group gives zeros (src/Engine/Numerics/IntQuantizer)."""
    mag = torch.where(torch.isfinite(x), x.abs(), torch.zeros_like(x))
    if granularity == "tensor":
        absmax = mag.max()
    elif granularity == "channel" or x.dim() == 0:
        absmax = mag if x.dim() == 0 else mag.amax(-1, keepdim=True)
    else:
        last = x.shape[-1]
        if not 16 <= group_size <= 1024:
            raise ValueError(f"group_size must be 16..1024, got {group_size}")
        if last % group_size:
            raise ValueError(f"last dim {last} is not divisible by group_size {group_size}")
        grouped = tuple(x.shape[:-1]) + (last // group_size, group_size)
        absmax = mag.reshape(grouped).amax(-1, keepdim=True).expand(grouped).reshape(x.shape)
    qmax = float((1 << (bits - 1)) - 1)
    scale = absmax / qmax
    safe = torch.where(scale == 0, torch.ones_like(scale), scale)
    q = torch.round(x / safe).clamp_(-(qmax + 1), qmax)
    return q * scale


def quantize_mx(x, element, block=32, scratch=None):
    """OCP MX: each block of 32 along the last dim shares 2^(floor(log2 absmax) - emax_elem) (E8M0, exponent clamped to
    [-127, 127]; absmax over finite values, 0 -> 2^-127), elements on the element grid; float64 math, exact
    (src/Engine/Numerics/MxFormat). Works in place on a float64 copy (`scratch`'s float64 slots 0-2 when given; the
    result is then its slot 1 of x's dtype, valid until that is used again)."""
    last = 1 if x.dim() == 0 else x.shape[-1]
    if last % block:
        raise ValueError(f"last dim {last} is not divisible by the MX block size {block}")
    flat = x.reshape(-1)
    xd, mag, spare = take(scratch, flat, 3, dtype=torch.float64)
    xd.copy_(flat)
    absmax = torch.abs(xd, out=mag).nan_to_num_(0.0, 0.0, 0.0).view(-1, block).amax(-1, keepdim=True)  # finite only
    shared = torch.where(absmax > 0, _floor_log2(absmax) - element.max_exponent, torch.full_like(absmax, -127.0))
    scale = torch.exp2(shared.clamp_(-127, 127))
    blocks = xd.view(-1, block)
    blocks.div_(scale).clamp_(-element.max_value, element.max_value)  # exact: a power of two
    round_float(xd, element, (mag, spare))
    blocks.mul_(scale)
    out = take(scratch, flat, 1, first=1)[0]
    return out.copy_(xd).view(x.shape)


def quantize_nvfp4(x, block=16):
    """NVFP4 (Transformer Engine's recipe), float32: s = 448*6 / amax (1 when 0), per 16-block scale E4M3(amax_b / 6 * s),
    elements E2M1(x * s / scale_b), result q * scale_b / s (src/Engine/Numerics/NvFp4Format)."""
    last = 1 if x.dim() == 0 else x.shape[-1]
    if last % block:
        raise ValueError(f"last dim {last} is not divisible by the NVFP4 block size {block}")
    xf = x.to(torch.float32).reshape(tuple(x.shape[:-1]) + (last // block, block))
    mag = torch.where(torch.isfinite(xf), xf.abs(), torch.zeros_like(xf))
    amax = mag.max()
    s_global = torch.where(amax == 0, torch.ones_like(amax), torch.full_like(amax, 448.0 * 6.0) / amax)
    block_scale = quantize_float(mag.amax(-1, keepdim=True) / 6.0 * s_global, E4M3)
    safe = torch.where(block_scale == 0, torch.ones_like(block_scale), block_scale)
    q = quantize_float(xf * s_global / safe, E2M1)
    return (q * block_scale / s_global).reshape(x.shape).to(x.dtype)


def _parse_int(name):
    m = _INT.match(name)
    if m is None:
        return None
    bits, group = int(m.group(1)), m.group(2)
    if name.endswith("-pt"):
        return bits, "tensor", 0
    if group is not None:
        if not 16 <= int(group) <= 1024:
            return None
        return bits, "group", int(group)
    return bits, "channel", 0


def _check(name):
    key = str(name).lower()
    if key in _FLOATS or key in _MX or key in ("hif8", "nvfp4") or _parse_int(key) is not None:
        return key
    raise ValueError(f"unknown number format {name!r} (known: {', '.join(NAMES)}, intN, intN-pt, intN-gG)")


def quantize(x, name, scratch=None):
    """Quantize-dequantize `x` onto format `name` (any shape; block formats along the last dim). Same dtype. With
    `scratch` (quantscope.scratch.Scratch) HiF8 and MX work in its slots and may return one of them."""
    key = _check(name)
    if key in _FLOATS:
        return quantize_float(x, _FLOATS[key])
    if key == "hif8":
        return quantize_hif8(x, scratch)
    if key in _MX:
        return quantize_mx(x, _MX[key], scratch=scratch)
    if key == "nvfp4":
        return quantize_nvfp4(x)
    bits, granularity, group = _parse_int(key)
    return quantize_int(x, bits, granularity, group)


def format_max(name):
    """Largest finite element of the format (INT in scale units)."""
    key = _check(name)
    if key in _FLOATS:
        return _FLOATS[key].max_value
    if key in _MX:
        return _MX[key].max_value
    if key == "hif8":
        return HIF8_MAX
    if key == "nvfp4":
        return E2M1.max_value
    return float((1 << (_parse_int(key)[0] - 1)) - 1)


def target_max(name):
    """What a per-tensor scale aims amax at: HiF8's max_val 15, else the format max (engine's ScaleMath.TargetMax)."""
    return HIF8_MAX_VAL if _check(name) == "hif8" else format_max(name)


def is_per_tensor(name):
    """True for formats scaled per tensor (e4m3, e5m2, e2m1, hif8); False for INT, MX and NVFP4 (their own blocks)."""
    key = _check(name)
    return key in _FLOATS or key == "hif8"


def block_size(name):
    """Values sharing one scale for block and group formats (MX 32, NVFP4 16, INT groups G), else None."""
    key = _check(name)
    if key in _MX:
        return 32
    if key == "nvfp4":
        return 16
    parsed = _parse_int(key)
    return parsed[2] if parsed is not None and parsed[1] == "group" else None
