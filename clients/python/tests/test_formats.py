"""quantscope.formats against the engine itself: the same values through POST /api/formats/{f}/quantize, compared bit
for bit (NaN with NaN; -0 with -0), over edge cases and random values of every binade."""

import math
import struct

import pytest
import torch

from quantscope import formats

# Ties (1.0625 = between 1 and 1.125 in E4M3; 2.5 in E2M1), subnormals, each format's max and just beyond, the HiF8
# overflow tie 40960, inf, NaN, signed zeros, float32 subnormals and values that underflow every format.
EDGES = [0.0, -0.0, 1.0, -1.0, 1.0625, 1.1875, -1.0625, 2.5, 0.25, 0.75, 5.0, 6.5, 448.0, 449.0, 464.0, 480.0, -480.0,
         57344.0, 61440.0, 65536.0, 32768.0, 36864.0, 40959.0, 40960.0, 1e9, -1e9, math.inf, -math.inf, math.nan,
         2.0 ** -6, 2.0 ** -9, 2.0 ** -10, 3 * 2.0 ** -11, 2.0 ** -14, 2.0 ** -16, 2.0 ** -17, 2.0 ** -22, 2.0 ** -23,
         1.5 * 2.0 ** -23, 2.0 ** -24, 1e-30, 1.4e-45, 0.1, -0.3, 15.0, 15.5, 16.0]
CASES = [("e4m3", {}), ("e5m2", {}), ("e2m1", {}), ("hif8", {}), ("int8", {}), ("int4", {}), ("int2", {}),
         ("int4-g32", {"groupSize": 32}), ("int8-g16", {"groupSize": 16}), ("mxfp8-e4m3", {}), ("mxfp8-e5m2", {}),
         ("mxfp4", {}), ("nvfp4", {})]


def _wire(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def _unwire(v):
    if v is None or v == "NaN":
        return math.nan
    if v in ("Infinity", "-Infinity"):
        return math.inf if v == "Infinity" else -math.inf
    return float(v)


def _bits(v):
    return struct.unpack("<I", struct.pack("<f", v))[0]


def _values(seed, count=4096):
    g = torch.Generator().manual_seed(seed)
    binades = torch.randint(-30, 20, (count,), generator=g).to(torch.float32)
    random = (torch.randn(count, generator=g) * torch.exp2(binades)).tolist()
    return torch.tensor(EDGES + random, dtype=torch.float32)


@pytest.mark.parametrize("name,extra", CASES, ids=[c[0] for c in CASES])
def test_quantize_edgeCasesAndRandomValues_bitIdenticalToTheEngine(server, name, extra):
    x = _values(seed=len(name))
    block = formats.block_size(name) or 1
    if "groupSize" in extra:
        x = x[: x.numel() // block * block]  # the API wants groups that divide the count
    padded = torch.cat([x, torch.zeros((-x.numel()) % block)])  # the API pads a partial block with zeros
    api_name = name.split("-g")[0] if "groupSize" in extra else name
    body = {"values": [_wire(v) for v in x.tolist()], **extra}
    theirs = [_unwire(v) for v in server.post(f"/api/formats/{api_name}/quantize", body)["values"]]
    local = "int" + name[3] + "-pt" if name in ("int8", "int4", "int2") else name  # the API's plain INT: one scale per list
    mine = formats.quantize(padded.reshape(1, -1), local).reshape(-1)[: x.numel()].tolist()
    assert len(theirs) == len(mine) == x.numel()
    mismatches = [(x[i].item(), mine[i], theirs[i]) for i in range(len(mine))
                  if not (math.isnan(mine[i]) and math.isnan(theirs[i])) and _bits(mine[i]) != _bits(theirs[i])]
    assert mismatches == []


@pytest.mark.parametrize("scale", [2.0 ** -7, 3.0, 448.0 / 3.7])
def test_quantize_scaledE4M3_bitIdenticalToTheEngine(server, scale):
    x = _values(seed=7, count=2048)
    body = {"values": [_wire(v) for v in x.tolist()], "scale": scale}
    theirs = [_unwire(v) for v in server.post("/api/formats/e4m3/quantize", body)["values"]]
    s = torch.tensor(scale, dtype=torch.float32)
    mine = (formats.quantize(x * s, "e4m3") / s).tolist()
    assert all((math.isnan(a) and math.isnan(b)) or _bits(a) == _bits(b) for a, b in zip(mine, theirs))


def test_quantize_e4m3Grid_exactValues():
    x = torch.tensor([1.0625, 1.1875, 447.0, 500.0, -math.inf, 2.0 ** -10, 3 * 2.0 ** -10, 0.1])
    assert formats.quantize(x, "e4m3").tolist() == [1.0, 1.25, 448.0, 448.0, -448.0, 0.0, 2.0 ** -8, 0.1015625]


def test_quantize_hif8Tiers_exactValues():
    # 3 mantissa bits near 1, 1 bit above 2^8, half away from zero, the overflow tie and the underflow cut.
    x = torch.tensor([1.0625, 300.0, 384.0, 40960.0, -40959.0, 2.0 ** -24, 1.5 * 2.0 ** -23])
    assert formats.quantize(x, "hif8").tolist() == [1.125, 256.0, 384.0, math.inf, -32768.0, 0.0, 2.0 ** -22]


def test_quantize_unknownName_errorNamesTheFormat():
    with pytest.raises(ValueError, match="unknown number format 'fp7'"):
        formats.quantize(torch.zeros(4), "fp7")


def test_quantize_blockNotDividingLastDim_errorNamesTheBlockSize():
    with pytest.raises(ValueError, match="block size 32"):
        formats.quantize(torch.zeros(2, 48), "mxfp4")
