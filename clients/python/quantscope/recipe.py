"""Recipes: what to emulate, immutable and validated once (the engine's DelayedScalingRecipe, CurrentScalingRecipe and
BlockScalingRecipe). `format` is used for the input and weight roles, `grad_format` for dL/dy (E5M2 by default, as in
Transformer Engine's HYBRID recipe)."""

from dataclasses import dataclass

from . import formats

__all__ = ["Delayed", "Current", "Block", "ALGORITHMS"]

ALGORITHMS = ("max", "most_recent", "mean")


def _per_tensor(field, name):
    key = str(name).lower()
    try:
        per_tensor = formats.is_per_tensor(key)
    except ValueError as e:
        raise ValueError(f"{field}: {e}") from None
    if not per_tensor:
        raise ValueError(f"{field}: {name!r} is a block format; use qs.Block(format={name!r})")
    return key


@dataclass(frozen=True)
class Delayed:
    """Delayed tensor scaling (Transformer Engine's recipe): the scale of step t comes from the amax history of the
    last `history` steps ending at t-1; scale = target / amaxPred / 2^margin (target: format max, HiF8 max_val 15).
    Step 0 is scaled by its own amax; an amaxPred of 0 or non-finite keeps the previous scale."""
    format: str = "e4m3"
    history: int = 16
    algorithm: str = "max"
    margin: int = 0
    update_period: int = 1
    grad_format: str = "e5m2"

    def __post_init__(self):
        object.__setattr__(self, "format", _per_tensor("format", self.format))
        object.__setattr__(self, "grad_format", _per_tensor("grad_format", self.grad_format))
        if not isinstance(self.history, int) or not 1 <= self.history <= 4096:
            raise ValueError(f"history: must be an integer 1..4096, not {self.history!r}")
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm: must be one of {ALGORITHMS}, not {self.algorithm!r}")
        if not isinstance(self.margin, int) or not 0 <= self.margin <= 32:
            raise ValueError(f"margin: must be an integer 0..32, not {self.margin!r}")
        if not isinstance(self.update_period, int) or self.update_period < 1:
            raise ValueError(f"update_period: must be an integer >= 1, not {self.update_period!r}")

    def describe(self):
        """The recipe as the run's notes show it."""
        return {"kind": "delayed", "format": self.format, "gradFormat": self.grad_format, "amaxHistoryLength": self.history,
                "amaxComputeAlgo": self.algorithm, "margin": self.margin, "updatePeriod": self.update_period}


@dataclass(frozen=True)
class Current:
    """Current (just-in-time) scaling: each tensor is scaled by its own amax of this step (amaxPred = amax)."""
    format: str = "e4m3"
    margin: int = 0
    grad_format: str = "e5m2"

    def __post_init__(self):
        object.__setattr__(self, "format", _per_tensor("format", self.format))
        object.__setattr__(self, "grad_format", _per_tensor("grad_format", self.grad_format))
        if not isinstance(self.margin, int) or not 0 <= self.margin <= 32:
            raise ValueError(f"margin: must be an integer 0..32, not {self.margin!r}")

    def describe(self):
        return {"kind": "current", "format": self.format, "gradFormat": self.grad_format, "margin": self.margin}


@dataclass(frozen=True)
class Block:
    """A block-scaled format (INT-n groups, MXFP8/MXFP4, NVFP4) that computes its own scales; overflow is 0 by
    construction, amaxPred = amax and scale = 1 are reported."""
    format: str = "mxfp8-e4m3"
    grad_format: str = "mxfp8-e5m2"

    def __post_init__(self):
        for field in ("format", "grad_format"):
            name = str(getattr(self, field)).lower()
            try:
                per_tensor = formats.is_per_tensor(name)
            except ValueError as e:
                raise ValueError(f"{field}: {e}") from None
            if per_tensor:
                raise ValueError(f"{field}: {name!r} is scaled per tensor; use qs.Delayed or qs.Current")
            object.__setattr__(self, field, name)

    def describe(self):
        return {"kind": "block", "format": self.format, "gradFormat": self.grad_format}
