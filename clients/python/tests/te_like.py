"""Modules that carry Transformer Engine's FP8 metadata layout and keep it the way TE does, for the tests of
quantscope.te. Transformer Engine itself cannot run in CI: it is CUDA only (its kernels need an sm_89+ GPU for FP8)
and is not installable on this CPU machine, so these classes reproduce what TE's module base and delayed-scaling
update do with `fp8_meta` (TE 1.x module/base.py `set_meta_tensor`, fp8.py `_default_get_amax_and_update_history`
and `_default_sf_compute`; TE 2.x quantization.py `DelayedScalingRecipeState`):

- `fp8_meta["recipe"]`: a DelayedScaling with `margin`, `fp8_format` (an Enum whose values carry max_fwd/max_bwd)
  and `amax_history_len`;
- `fp8_meta["scaling_fwd"]` / `["scaling_bwd"]`: `scale` [3G] / [2G] and `amax_history` [H, 3G] / [H, 2G], float32;
- during the forward (backward) the cast writes the tensor's amax into `amax_history[0, slot]`;
- at the autocast exit (after the backward) TE reduces the history (max over rows), computes
  `scale = fp8_max / amax / 2^margin` (previous scale kept for an amax of 0 or non-finite), rolls the history by -1
  and zeroes row 0."""

import enum
from collections import namedtuple
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

_FormatHelper = namedtuple("_FormatHelper", ["max_fwd", "max_bwd"])


class Format(enum.Enum):
    """TE's transformer_engine.common.recipe.Format."""
    E4M3 = _FormatHelper(max_fwd=448.0, max_bwd=448.0)
    E5M2 = _FormatHelper(max_fwd=57344.0, max_bwd=57344.0)
    HYBRID = _FormatHelper(max_fwd=448.0, max_bwd=57344.0)


@dataclass
class DelayedScaling:
    """TE's DelayedScaling recipe (the fields the metadata depends on)."""
    margin: int = 0
    fp8_format: Format = Format.HYBRID
    amax_history_len: int = 4
    amax_compute_algo: str = "max"


class ScalingMeta:
    """TE's FP8TensorMeta / DelayedScalingRecipeState: scale [N], scale_inv [N], amax_history [H, N]."""

    def __init__(self, history, slots):
        self.scale = torch.ones(slots, dtype=torch.float32)
        self.scale_inv = torch.ones(slots, dtype=torch.float32)
        self.amax_history = torch.zeros(history, slots, dtype=torch.float32)


class _Cast(torch.autograd.Function):
    """Identity whose backward records dL/dy's amax in a backward slot, as TE's grad-output cast does."""

    @staticmethod
    def forward(ctx, y, meta, slot):
        ctx.meta, ctx.slot = meta, slot
        return y.view_as(y)

    @staticmethod
    def backward(ctx, grad):
        ctx.meta.amax_history[0, ctx.slot] = grad.abs().max()
        return grad, None, None


class MetaModule(nn.Module):
    """TE's module base: `fp8`, `fp8_meta` as set_meta_tensor builds it, and the delayed-scaling update."""

    def __init__(self, num_gemms, recipe):
        super().__init__()
        self.fp8 = False
        self.fp8_meta = {"recipe": recipe, "num_gemms": num_gemms, "fp8_checkpoint": False, "fp8_group": None,
                         "scaling_fwd": ScalingMeta(recipe.amax_history_len, 3 * num_gemms),
                         "scaling_bwd": ScalingMeta(recipe.amax_history_len, 2 * num_gemms)}

    def record(self, forward, slot, tensor):
        if self.fp8:
            meta = self.fp8_meta["scaling_fwd" if forward else "scaling_bwd"]
            meta.amax_history[0, slot] = tensor.detach().abs().max()

    def grad_cast(self, y, slot):
        return _Cast.apply(y, self.fp8_meta["scaling_bwd"], slot) if self.fp8 else y

    @torch.no_grad()
    def update(self, forward):
        """TE's amax-and-scale update of one direction (autocast exit / after the backward)."""
        recipe, meta = self.fp8_meta["recipe"], self.fp8_meta["scaling_fwd" if forward else "scaling_bwd"]
        helper = recipe.fp8_format.value
        fp8_max = helper.max_fwd if forward else helper.max_bwd
        history = meta.amax_history
        amax = history.max(dim=0).values if recipe.amax_compute_algo == "max" else history[0].clone()
        sf = (fp8_max / amax) / (2 ** recipe.margin)
        sf = torch.where(amax > 0.0, sf, meta.scale)
        sf = torch.where(torch.isfinite(amax), sf, meta.scale)
        meta.scale.copy_(sf)
        meta.scale_inv.copy_(1.0 / sf)
        rolled = torch.roll(history, -1, 0)
        rolled[0].zero_()
        history.copy_(rolled)


class MetaLinear(MetaModule):
    """te.Linear's layout: one GEMM (forward slots input 0, weight 1; backward slot grad output 0), `weight`."""

    def __init__(self, in_features, out_features, recipe):
        super().__init__(1, recipe)
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        nn.init.uniform_(self.weight, -0.1, 0.1)

    def forward(self, x):
        self.record(True, 0, x)
        self.record(True, 1, self.weight)
        return self.grad_cast(F.linear(x, self.weight), 0)


class MetaLayerNormMLP(MetaModule):
    """te.LayerNormMLP's layout (TE 2.x, which has `quantizers`): FC1 forward slots 0/1, FC2 3/4; FC2's dL/dy in
    backward slot 2 (GRAD_OUTPUT2), FC1's in slot 0 (GRAD_OUTPUT1)."""

    def __init__(self, hidden, ffn, recipe):
        super().__init__(2, recipe)
        self.quantizers = {"scaling_fwd": {}, "scaling_bwd": {}}
        self.layer_norm_weight = nn.Parameter(torch.ones(hidden))
        self.fc1_weight = nn.Parameter(torch.empty(ffn, hidden))
        self.fc2_weight = nn.Parameter(torch.empty(hidden, ffn))
        nn.init.uniform_(self.fc1_weight, -0.2, 0.2)
        nn.init.uniform_(self.fc2_weight, -0.2, 0.2)

    def forward(self, x):
        h = F.layer_norm(x, x.shape[-1:], self.layer_norm_weight)
        self.record(True, 0, h)
        self.record(True, 1, self.fc1_weight)
        a = F.gelu(self.grad_cast(F.linear(h, self.fc1_weight), 0))
        self.record(True, 3, a)
        self.record(True, 4, self.fc2_weight)
        return self.grad_cast(F.linear(a, self.fc2_weight), 2)
