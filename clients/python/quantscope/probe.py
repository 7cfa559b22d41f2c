"""`watch`: hooks on every nn.Linear of a model that emulate a quantization recipe on the real tensors (observe only;
`apply=True` fake-quantizes for real, straight-through), with the engine's definitions. Cost rules (as the engine's): everything accumulates on the tensors' device in
preallocated buffers; hooks never read the host; the run copies one window to the host per logged window.

Per training forward of a hooked layer: amax of the input and the weight (dL/dy in the backward pass, through a
tensor hook on the output), the scale and amaxPred the recipe gives, then the state update. On stats steps (every
`every` logged steps) also the fake quantization with its overflow, underflow, error and HiF8 tier counts, the
input's power sums and channel absmax (FC2: top channels), ||dL/dW|| and the what-if formats.

Transformer Engine's Linear, LayerNormLinear and LayerNormMLP (when transformer_engine imports, or the classes given
as `te_types`) are not emulated: their hooks read TE's own amax, scale and amaxPred from the module's FP8 metadata
(quantscope.te), plus ||dL/dW||; `recipe` and `apply` do not touch them."""

import re

import torch
from torch import nn
from torch.nn import functional as F

from . import formats, kernels, te
from .finish import Finisher, ROLES
from .recipe import Block, Current, Delayed
from .scaling import ScalingState, amax_of
from .scratch import Scratch
from .shared import SharedInput

__all__ = ["Probe"]

_NAN = float("nan")


class _Layer:
    """One hooked module: its index, the scaling states of its roles and its hooks."""

    def __init__(self, index, name, module, top_k, gemm=None):
        self.index, self.name, self.module, self.top_k = index, name, module, top_k
        self.gemm = gemm  # a te.TEGemm: Transformer Engine's metadata is read, nothing is emulated
        self.states = {}
        self.handles = []


class Probe:
    """What `quantscope.watch` returns; see the module docs. Use `run.log(step, ...)` once per optimizer step (it
    collects the probe), `close()` (or the `with` form) removes the hooks. `te_types`: the module classes read as
    Transformer Engine layers (default: TE's Linear, LayerNormLinear and LayerNormMLP when it imports, else none)."""

    def __init__(self, model, recipe=None, every=1, roles=ROLES, fc2=r".*mlp\.down_proj$", what_if=(), layers=None,
                 exclude=r"(^|\.)lm_head$", top_channels=4, reduce=None, apply=False, te_types=None):
        self.recipe = recipe if recipe is not None else Delayed()
        if not isinstance(self.recipe, (Delayed, Current, Block)):
            raise ValueError(f"recipe: expected qs.Delayed, qs.Current or qs.Block, not {type(recipe).__name__}")
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every: must be an integer >= 1, not {every!r}")
        unknown = [r for r in roles if r not in ROLES]
        if unknown or not roles:
            raise ValueError(f"roles: each must be one of {ROLES}, not {unknown or roles!r}")
        if reduce not in (None, "max"):
            raise ValueError(f"reduce: must be None or 'max', not {reduce!r}")
        self.what_if = tuple(str(f).lower() for f in what_if)
        for f in self.what_if:
            try:
                formats.quantize(torch.zeros(1, 1024), f)  # validates the name (and the group size)
            except ValueError as e:
                raise ValueError(f"what_if: {e}") from None
        self.every, self.roles, self.reduce, self.apply = every, tuple(roles), reduce, bool(apply)
        include = re.compile(layers) if layers else None
        skip = re.compile(exclude) if exclude else None
        fc2_re = re.compile(fc2) if fc2 else None
        self._layers = []
        te_types = te.layer_types() if te_types is None else tuple(te_types)
        te_modules = {id(module): gemms for _, module, gemms in te.find_gemms(model, te_types)}
        self._te_modules = []  # (module, [its _Layer]) of the Transformer Engine modules
        for name, module in model.named_modules():
            if id(module) in te_modules:
                kept = [self._add(g.name, module, 0, include, skip, g) for g in te_modules[id(module)]]
                kept = [layer for layer in kept if layer is not None]
                if kept:
                    self._te_modules.append((module, kept))
                continue
            if not isinstance(module, nn.Linear):
                continue
            top = top_channels if fc2_re is not None and fc2_re.fullmatch(name) else 0
            self._add(name, module, top, include, skip)
        if not self._layers:
            raise ValueError("model: no nn.Linear (or Transformer Engine) module matched (check `layers` and `exclude`)")
        self.layer_names = [layer.name for layer in self._layers]
        self._top = [layer for layer in self._layers if layer.top_k > 0]
        self.top_k = max([layer.top_k for layer in self._top], default=0)
        self.finisher = Finisher(self.layer_names, self.what_if, [layer.index for layer in self._top], self.top_k)
        self._buffers = None
        self._scratch = Scratch()  # the stats kernels' work tensors, reused step after step on a CPU
        self._shared = SharedInput()  # q/k/v (gate/up) read one input: computed once
        self._collects = 0  # logged steps so far
        self._slot_steps = []  # step of each filled slot of the current window
        self._stats_step = None
        if self.apply and isinstance(self.recipe, Block):
            self._check_blocks()
        for layer in self._layers:
            if layer.gemm is not None:
                weight = layer.gemm.weight
                if isinstance(weight, nn.Parameter) and weight.requires_grad:
                    layer.handles.append(weight.register_hook(self._te_weight_grad_hook(layer)))
                continue
            if self.apply:
                layer.module.forward = self._quantized_forward(layer)  # instance attribute: `del` restores the class's
            else:
                layer.handles.append(layer.module.register_forward_hook(self._forward_hook(layer)))
            if "weight" in self.roles:
                layer.handles.append(layer.module.weight.register_hook(self._weight_grad_hook(layer)))
        # No module backward hook: torch wraps the outputs of such a module in views, and a model that then changes
        # an output in place (`h += residual`) would fail. dL/dy's metadata is read when dL/dW arrives instead.
        for module, layers in self._te_modules:
            layers[0].handles.append(module.register_forward_hook(self._te_forward_hook(layers)))

    def _add(self, name, module, top, include, skip, gemm=None):
        """A hooked layer, unless `layers` / `exclude` leave its name out."""
        if (include and not include.fullmatch(name)) or (skip and skip.search(name)):
            return None
        layer = _Layer(len(self._layers), name, module, top, gemm)
        self._layers.append(layer)
        return layer

    # ---- buffers -------------------------------------------------------------------------------------------------
    def _ensure(self, device):
        if self._buffers is not None:
            return self._buffers
        layers, f64 = len(self._layers), torch.float64
        self._buffers = {
            "window": torch.full((self.every, layers, 3, 3), _NAN, dtype=f64, device=device),
            "raw": torch.full((layers, 3, kernels.RAW_WIDTH), _NAN, dtype=f64, device=device),
            "whatif": torch.full((layers, 3, len(self.what_if) * kernels.WHATIF_WIDTH), _NAN, dtype=f64, device=device),
            "top": torch.full((len(self._top), 2, self.top_k), _NAN, dtype=f64, device=device),
        }
        return self._buffers

    @property
    def stats_step_now(self):
        """True when the current step computes the full statistics (the first step of each window)."""
        return self._collects % self.every == 0

    # ---- hooks ---------------------------------------------------------------------------------------------------
    def _state(self, layer, role, device):
        state = layer.states.get(role)
        if state is None:
            fmt = self.recipe.grad_format if role == "grad" else self.recipe.format
            state = layer.states[role] = (ScalingState(self.recipe, fmt, device) if not isinstance(self.recipe, Block) else None, fmt)
        return state

    def _observe(self, layer, role, t, apply=False, advance=True):
        """One role of one layer on one forward: scaling, window slot, on stats steps the full statistics, then the
        state update (`advance`: training forwards only). With `apply` returns the fake-quantized tensor (straight-
        through gradient), else `t` itself."""
        if t.numel() == 0:
            return t
        with torch.no_grad():
            seen, hit = self._shared.entry(t) if role == "input" and not apply else (None, False)
            if hit:  # the input another layer just read: same tensor, same amax
                x, amax = seen.x, seen.amax
            else:
                x = t.detach()
                if x.dtype != torch.float32:
                    x = x.float()
                amax = amax_of(x)
                if seen is not None:
                    seen.x, seen.amax = x, amax
            buffers = self._ensure(x.device)
            r = ROLES.index(role)
            state, fmt = self._state(layer, role, x.device)
            if state is None:  # block format: its own scales
                scale, pred = torch.ones_like(amax), amax
            else:
                scale, pred = state.scale_for(amax)
            q = None
            if advance:
                slot = self._collects % self.every
                buffers["window"][slot, layer.index, r].copy_(torch.stack([amax, pred, scale]))
                if self.stats_step_now:
                    lineage = state.lineage if state is not None else None
                    q = self._full(layer, r, x, amax, scale, fmt, state is None, buffers, seen, lineage)
                if state is not None:
                    state.update(amax)
                    if seen is not None:
                        state.lineage = self._shared.advance(state.lineage, seen)
            if not apply:
                return t
            if q is None:
                q = formats.quantize(x, fmt) if state is None else kernels.fake_quant(x, scale, fmt)[0]
            q = q.to(t.dtype)
        return q + (t - t.detach()) if t.requires_grad else q

    def _check_blocks(self):
        """apply with a block format: every quantized tensor's last dim must hold whole blocks (checked once, here)."""
        for layer in (layer for layer in self._layers if layer.gemm is None):
            for role, fmt, last in (("input", self.recipe.format, layer.module.in_features),
                                    ("weight", self.recipe.format, layer.module.in_features),
                                    ("grad", self.recipe.grad_format, layer.module.out_features)):
                block = formats.block_size(fmt)
                if role in self.roles and block and last % block:
                    raise ValueError(f"apply: {layer.name}'s {role} has last dim {last}, not a multiple of {fmt}'s block {block}")

    def _full(self, layer, r, x, amax, scale, fmt, block, buffers, seen=None, lineage=None):
        """The stats step's counts and sums into the buffers; with apply returns the dequantized tensor (None when a
        block format does not fit the last dim), else None. `seen`: the shared input's entry (quantscope.shared),
        whose results for the same tensor (and, for the quantization statistics, the same scaling lineage) are copied
        instead of recomputed."""
        if block and formats.block_size(fmt) and x.shape[-1] % formats.block_size(fmt):
            return None
        q = None
        stats = seen.role.get(lineage) if seen is not None else None
        if stats is None:
            # With apply, q goes on into the layer: a tensor of its own, not a scratch slot.
            scratch = None if self.apply else self._scratch
            if block:
                q, scaled = formats.quantize(x, fmt, scratch), None
                overflow = torch.zeros((), dtype=torch.int64, device=x.device)
            else:
                q, overflow, scaled = kernels.fake_quant(x, scale, fmt, scratch)
            stats = kernels.role_stats(x, q, overflow, scaled if fmt == "hif8" else None, self._scratch)
            if seen is not None:
                seen.role[lineage] = stats
        row = buffers["raw"][layer.index, r]
        row[:stats.shape[0]].copy_(stats)
        if r == 0:
            shape = seen.shape.get(layer.top_k) if seen is not None else None
            if shape is None:
                shape = kernels.shape_stats(x, layer.top_k, self._scratch)
                if seen is not None:
                    seen.shape[layer.top_k] = shape
            sums, top = shape
            row[14:18].copy_(sums)
            if top is not None:
                target = buffers["top"][self._top.index(layer)]
                target[:, :top.shape[1]].copy_(top)
        if self.what_if:
            whatif = seen.whatif if seen is not None else None
            if whatif is None:
                whatif = torch.cat([kernels.what_if(x, amax, f, self._scratch) for f in self.what_if])
                if seen is not None:
                    seen.whatif = whatif
            buffers["whatif"][layer.index, r].copy_(whatif)
        return q if self.apply else None  # without apply q is a scratch slot, reused by the next layer

    def _forward_hook(self, layer):
        def hook(module, inputs, output):
            if not module.training:
                return
            if "input" in self.roles and inputs:
                self._observe(layer, "input", inputs[0])
            if "weight" in self.roles:
                self._observe(layer, "weight", module.weight)
            if "grad" in self.roles and isinstance(output, torch.Tensor) and output.requires_grad:
                output.register_hook(self._grad_hook(layer))
        return hook

    def _grad_hook(self, layer, apply=False):
        def hook(grad):
            q = self._observe(layer, "grad", grad, apply=apply)
            return q if apply else None  # apply: the quantized dL/dy flows into dL/dW and dL/dx
        return hook

    def _quantized_forward(self, layer):
        """apply=True: the layer computes with fake-quantized input and weight (straight-through), and its dL/dy is
        quantized in the backward pass, by the recipe's own scaling state. Eval forwards use the current scales
        without advancing the history."""
        module = layer.module

        def forward(x):
            training = module.training
            x_q = self._observe(layer, "input", x, apply=True, advance=training) if "input" in self.roles else x
            w_q = self._observe(layer, "weight", module.weight, apply=True, advance=training) if "weight" in self.roles else module.weight
            y = F.linear(x_q, w_q, module.bias)
            if training and "grad" in self.roles and y.requires_grad:
                y.register_hook(self._grad_hook(layer, apply=True))
            return y
        return forward

    def _weight_grad_hook(self, layer):
        def hook(grad):
            if self._buffers is not None and self.stats_step_now and layer.module.training:
                with torch.no_grad():
                    self._buffers["raw"][layer.index, 1, kernels.RAW.index("gradNorm")].copy_(grad.detach().float().norm())
        return hook

    def _te_write(self, layers, forward):
        """Copies TE's (amax, amaxPred, scale) of each GEMM of one module into this step's window slot."""
        module = layers[0].module
        if not module.training:
            return
        for layer in layers:
            for role in (("input", "weight") if forward else ("grad",)):
                if role not in self.roles:
                    continue
                slot = {"input": layer.gemm.fwd_input, "weight": layer.gemm.fwd_weight, "grad": layer.gemm.bwd_grad}[role]
                values = te.read(module, forward, slot)
                if values is None:
                    continue
                window = self._ensure(values.device)["window"]
                window[self._collects % self.every, layer.index, ROLES.index(role)].copy_(values)

    def _te_forward_hook(self, layers):
        def hook(module, inputs, output):
            with torch.no_grad():
                self._te_write(layers, forward=True)
        return hook

    def _te_weight_grad_hook(self, layer):
        """dL/dW of a TE GEMM exists only after TE cast that GEMM's dL/dy: its metadata is read here (and ||dL/dW||).
        A frozen weight, or TE's fuse_wgrad_accumulation (no dL/dW handed to autograd), leaves the grad role unread."""
        weight_hook = self._weight_grad_hook(layer) if "weight" in self.roles else None

        def hook(grad):
            if "grad" in self.roles:
                with torch.no_grad():
                    self._te_write([layer], forward=False)
            if weight_hook is not None:
                weight_hook(grad)
        return hook

    # ---- collection ----------------------------------------------------------------------------------------------
    def collect(self, step):
        """Ends a step: returns (device tensor to copy, finish function) when the window is full, else None."""
        self._shared.forget()
        if self._buffers is None:
            return None
        if self.stats_step_now:
            self._stats_step = step
        self._slot_steps.append(step)
        self._collects += 1
        if self._collects % self.every != 0:
            return None
        return self._take()

    def flush(self):
        """The partial window at the end of a run, or None."""
        if self._buffers is None or not self._slot_steps:
            return None
        return self._take()

    def _take(self):
        b = self._buffers
        slots = len(self._slot_steps)
        window = b["window"][:slots]
        if self.reduce == "max" and torch.distributed.is_available() and torch.distributed.is_initialized():
            window = window.clone()
            torch.distributed.all_reduce(window, op=torch.distributed.ReduceOp.MAX)  # amax across ranks
        flat = torch.cat([window.reshape(-1), b["raw"].reshape(-1), b["whatif"].reshape(-1), b["top"].reshape(-1)])
        steps, stats_step = list(self._slot_steps), self._stats_step
        self._slot_steps, self._stats_step = [], None
        for t in b.values():
            t.fill_(_NAN)
        return flat, (lambda host, scalars: self.finisher.batch(steps, stats_step, host, scalars))

    def close(self):
        """Removes every hook (training continues untouched) and, with apply, the quantized forwards."""
        for layer in self._layers:
            if self.apply and "forward" in layer.module.__dict__:
                del layer.module.forward
            for handle in layer.handles:
                handle.remove()
            layer.handles.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
