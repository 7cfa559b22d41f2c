"""Work tensors of the stats kernels, kept between calls on a CPU.

On a CPU every new multi-megabyte tensor costs page faults that outweigh the arithmetic on it (measured here: a 5.5 MB
result 16-24 ms where the same op into an existing tensor takes 0.2-0.3 ms), so the kernels write their big
intermediates into a probe's `Scratch`: a few flat tensors per dtype, grown to the largest tensor seen and reused.
On other devices the caching allocator already reuses memory: `take` gives fresh tensors there, so no memory stays
held between steps."""

import torch

__all__ = ["Scratch", "take"]


class Scratch:
    """Flat work tensors per (device, dtype), in numbered slots; `take` gives some of like.numel() elements."""

    def __init__(self):
        self._kept = {}

    def take(self, like, count, first=0, dtype=None):
        """Slots first .. first+count-1 of `dtype` (default like's), like.numel() elements each."""
        n, dtype = like.numel(), dtype or like.dtype
        if like.device.type != "cpu":
            return [torch.empty(n, dtype=dtype, device=like.device) for _ in range(count)]
        key = (like.device, dtype)
        kept = self._kept.get(key, [])
        if kept and kept[0].numel() < n:
            kept = []  # grown: made anew at the larger size
        while len(kept) < first + count:
            kept.append(torch.empty(max(n, kept[0].numel() if kept else 0), dtype=dtype, device=like.device))
        self._kept[key] = kept
        return [t[:n] for t in kept[first:first + count]]


def take(scratch, like, count, first=0, dtype=None):
    """`count` flat tensors of like.numel() elements (of `dtype`, default like's): the scratch's slots first ..
    first+count-1, or fresh ones when `scratch` is None."""
    if scratch is None:
        return [torch.empty(like.numel(), dtype=dtype or like.dtype, device=like.device) for _ in range(count)]
    return scratch.take(like, count, first, dtype)
