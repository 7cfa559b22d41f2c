"""Transformer Engine layers: `watch` reads their real FP8 metadata instead of emulating a recipe, so that `amax`,
`scale`, `amaxPred` and `saturationEvent` are Transformer Engine's own.

What is read (TE's module base, `fp8_meta`, delayed scaling, TE 1.x and 2.x alike):
- `fp8_meta["scaling_fwd"]` / `["scaling_bwd"]`: objects with `scale` [N] and `amax_history` [H, N] (float32, on the
  GPU). Forward slots per GEMM g: input 3g, weight 3g+1, output 3g+2; backward: grad output 2g, grad input 2g+1.
- Row 0 of `amax_history` is the slot the cast kernels write this step's amax into; TE folds it into the history and
  recomputes `scale = fp8_max / max(history) / 2^margin` when the autocast region exits (forward) or after the
  backward pass. So right after the module's forward row 0 holds this step's amax and `scale` is the scale the step
  was cast with; in the backward pass the same holds once the GEMM's dL/dW arrives (TE casts dL/dy before its wgrad
  GEMM): that is when the probe's hooks read them. A frozen weight, or `fuse_wgrad_accumulation` (dL/dW goes to
  `main_grad`, not through autograd), leaves the grad role unread.
- amaxPred (the amax the scale stands for) = fp8_max / (scale * 2^margin): the inverse of TE's own scale formula, so
  `saturationEvent = amax > amaxPred` says exactly whether TE's scale clipped this step's tensor. TE's initial scale 1
  stands for amaxPred = fp8_max (448 for E4M3).
- fp8_max and margin come from `fp8_meta["recipe"]` (`fp8_format.value.max_fwd` / `max_bwd`, `margin`).

GEMMs per module: `Linear` and `LayerNormLinear` one (reported under the module's name); `LayerNormMLP` two,
reported as `<name>.fc1` and `<name>.fc2` (plain `fc1`, `fc2` when the model itself is the module). TE 2.x (modules with a `quantizers` attribute) casts FC2's dL/dy with the
backward slot of GEMM 2 and FC1's with GEMM 1; TE 1.x the other way round.

Nothing here reads the host: the hooks copy device scalars into the probe's window like the emulated path. A step
where the module ran without FP8 (`module.fp8` false, outside `fp8_autocast`) or with a recipe that keeps no amax
history (current scaling, MXFP8: no delayed state to read) is left out for that layer."""

import torch

__all__ = ["layer_types", "TEGemm", "find_gemms", "amax_pred", "read"]

_E4M3_MAX, _E5M2_MAX = 448.0, 57344.0


def layer_types():
    """(te.Linear, te.LayerNormLinear, te.LayerNormMLP) when transformer_engine.pytorch imports, else ()."""
    try:
        import transformer_engine.pytorch as te  # noqa: PLC0415 - optional, CUDA only
    except Exception:  # noqa: BLE001 - not installed, or installed without a usable CUDA build
        return ()
    return tuple(getattr(te, name) for name in ("Linear", "LayerNormLinear", "LayerNormMLP") if hasattr(te, name))


class TEGemm:
    """One GEMM of a TE module: its reported name, the module, its forward and backward metadata slots and the name
    of its weight parameter."""

    def __init__(self, name, module, fwd_input, fwd_weight, bwd_grad, weight_attr):
        self.name, self.module = name, module
        self.fwd_input, self.fwd_weight, self.bwd_grad = fwd_input, fwd_weight, bwd_grad
        self.weight_attr = weight_attr

    @property
    def weight(self):
        """The GEMM's weight parameter, or None."""
        return getattr(self.module, self.weight_attr, None)


def find_gemms(model, types):
    """[(module name, module, [TEGemm])] for every module of `model` that is an instance of `types`, in module order.
    A LayerNormMLP-shaped module (it has `fc2_weight`) gives two GEMMs, any other one."""
    found = []
    if not types:
        return found
    for name, module in model.named_modules():
        if not isinstance(module, tuple(types)):
            continue
        if hasattr(module, "fc2_weight"):
            te2 = hasattr(module, "quantizers")  # TE 2.x: FC2's dL/dy in backward slot 2 (GRAD_OUTPUT2), FC1's in 0
            prefix = f"{name}." if name else ""  # the model itself: plain fc1 / fc2
            gemms = [TEGemm(f"{prefix}fc1", module, 0, 1, 0 if te2 else 2, "fc1_weight"),
                     TEGemm(f"{prefix}fc2", module, 3, 4, 2 if te2 else 0, "fc2_weight")]
        else:
            gemms = [TEGemm(name or type(module).__name__, module, 0, 1, 0, "weight")]
        found.append((name, module, gemms))
    return found


def _limits(recipe):
    """(fp8_max forward, fp8_max backward, margin) of a TE recipe: Format.E4M3, Format.HYBRID (default) or Format.E5M2."""
    fmt = getattr(recipe, "fp8_format", None)
    helper = getattr(fmt, "value", None)
    name = str(getattr(fmt, "name", "HYBRID")).upper()
    fwd = float(getattr(helper, "max_fwd", _E5M2_MAX if name == "E5M2" else _E4M3_MAX))
    bwd = float(getattr(helper, "max_bwd", _E4M3_MAX if name == "E4M3" else _E5M2_MAX))
    return fwd, bwd, int(getattr(recipe, "margin", 0) or 0)


def amax_pred(scale, fp8_max, margin):
    """The amax TE's scale stands for: fp8_max / (scale * 2^margin), float32, on the scale's device (no sync)."""
    return torch.full_like(scale, fp8_max) / (scale * 2.0 ** margin)


def _state(module, key):
    """fp8_meta[key] when the module ran in FP8 with a delayed-scaling state (scale and amax_history), else None."""
    if not getattr(module, "fp8", False):
        return None
    meta = getattr(module, "fp8_meta", None)
    state = meta.get(key) if isinstance(meta, dict) else None
    if state is None or getattr(state, "amax_history", None) is None or getattr(state, "scale", None) is None:
        return None
    return state


def read(module, forward, slot):
    """(amax, amaxPred, scale) of metadata slot `slot` as a [3] float32 device tensor, from the forward (`forward`)
    or backward state; None when the module holds no delayed FP8 state now."""
    state = _state(module, "scaling_fwd" if forward else "scaling_bwd")
    if state is None:
        return None
    history, scales = state.amax_history, state.scale
    if history.dim() != 2 or slot >= history.shape[1] or slot >= scales.shape[0]:
        return None
    fwd_max, bwd_max, margin = _limits(module.fp8_meta.get("recipe"))
    scale = scales[slot].float()
    return torch.stack([history[0, slot].float(), amax_pred(scale, fwd_max if forward else bwd_max, margin), scale])
