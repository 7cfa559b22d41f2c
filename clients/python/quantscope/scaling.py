"""Scaling state of one emulated tensor (one layer, one role), on the tensor's device, and the scale math as small pure
tensor functions, exactly as the engine's ScaleMath and DelayedScalingState. Nothing here reads the host (no .item()):
host-side counters only count updates."""

import torch

from . import formats
from .recipe import Current, Delayed

__all__ = ["amax_of", "compute_scale", "ScalingState"]

_FLOAT32_MAX = torch.finfo(torch.float32).max


def amax_of(x):
    """max |x| as a 0-d float32 tensor (NaN when x holds a NaN): max(-min, max), from amin and amax (two vectorized
    reductions, faster on a CPU than torch 1.13's one aminmax pass)."""
    x = x.detach()
    return torch.maximum(x.amin().neg_(), x.amax()).to(torch.float32)


def compute_scale(target, amax_pred, margin, previous):
    """scale = float32(target / 2^margin) / amaxPred (one float32 division), at most float32's max; `previous` when
    amaxPred is 0, negative, NaN or +-inf (engine's ScaleMath.ComputeScale)."""
    numerator = torch.full_like(amax_pred, target / 2.0 ** margin)
    fresh = (numerator / amax_pred).clamp_max_(_FLOAT32_MAX)
    usable = (amax_pred > 0) & torch.isfinite(amax_pred)
    return torch.where(usable, fresh, previous)


class ScalingState:
    """Amax history [H] (a ring: slot order does not matter for max; the host knows the newest slot), scale and amaxPred.

    `scale_for(amax)` gives (scale, amaxPred) for this step: before the first update from amax itself (step 0 has no
    history), then from the history ending at the previous step. `update(amax)` pushes this step's amax and recomputes
    (on the first update and every `update_period`-th)."""

    def __init__(self, recipe, fmt, device):
        self.recipe = recipe
        self.target = formats.target_max(fmt)
        self.delayed = isinstance(recipe, Delayed)
        self.margin = recipe.margin if isinstance(recipe, (Delayed, Current)) else 0
        length = recipe.history if self.delayed else 1
        self.history = torch.zeros(length, dtype=torch.float32, device=device)
        self.scale = torch.ones((), dtype=torch.float32, device=device)
        self.pred = torch.zeros((), dtype=torch.float32, device=device)
        self.updates = 0
        self.lineage = 0  # equal for states updated with the same tensors (quantscope.shared)

    def scale_for(self, amax):
        if self.delayed and self.updates > 0:
            return self.scale, self.pred
        return compute_scale(self.target, amax, self.margin, self.scale), amax

    def update(self, amax):
        if not self.delayed:
            # Current scaling remembers its scale: a step whose amax is unusable keeps the previous one.
            self.scale = compute_scale(self.target, amax, self.margin, self.scale)
            return
        length = self.history.shape[0]
        newest = self.updates % length
        self.history[newest] = amax
        self.updates += 1
        if not (self.updates == 1 or self.updates % self.recipe.update_period == 0):
            return
        algorithm = self.recipe.algorithm
        if algorithm == "max":
            pred = self.history.max()
        elif algorithm == "most_recent":
            pred = self.history[newest].clone()
        else:
            pred = self.history[: min(self.updates, length)].mean()
        self.scale = compute_scale(self.target, pred, self.margin, self.scale)
        self.pred = pred
