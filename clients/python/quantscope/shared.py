"""One input read by several layers: q/k/v projections all read the same normed hidden state, gate and up the same
one. Their amax, shape statistics and what-if rows are the same tensor's; their quantization statistics too while the
layers' scaling states have seen the same amax sequence (then their scales are equal). `SharedInput` remembers the
last input tensor a hook saw and what was computed from it, so the next layer reading that very tensor copies instead
of recomputing.

Equal scales are known on the host without reading a value: every scaling state carries a lineage, an id for the
sequence of tensors it was updated with. Two states updated from the same start with the same tensors (this cache's
entries) get the same lineage id, and a state that saw anything else a different one."""

import itertools

__all__ = ["SharedInput"]


class _Entry:
    """What was computed from one input tensor (held, so its id and memory cannot be reused while remembered)."""

    def __init__(self, tensor, number):
        self.tensor, self.version, self.number = tensor, tensor._version, number
        self.x = None  # the detached float32 tensor the statistics read
        self.amax = None
        self.role = {}  # scaling state lineage -> role statistics row (RAW[0:14]) of the stats step
        self.shape = {}  # top_k -> (shape sums, top channels)
        self.whatif = None


class SharedInput:
    """The last input tensor seen and its results; `entry(t)` gives (entry, True when t is that tensor, unchanged)."""

    def __init__(self):
        self._entry = None
        self._numbers = itertools.count(1)
        self._lineages = {}  # (lineage before, entry number) -> lineage after, for the current entry
        self._next_lineage = itertools.count(1)  # 0: a state that has seen nothing

    def entry(self, tensor):
        e = self._entry
        if e is not None and e.tensor is tensor and e.version == tensor._version:
            return e, True
        self._entry = _Entry(tensor, next(self._numbers))
        self._lineages.clear()  # keyed by the old entry's number: never asked again
        return self._entry, False

    def advance(self, lineage, entry):
        """The lineage of a state with `lineage` once updated with the amax of `entry`'s tensor."""
        key = (lineage, entry.number)
        if key not in self._lineages:
            self._lineages[key] = next(self._next_lineage)
        return self._lineages[key]

    def forget(self):
        """Drops the remembered tensor (end of step): no activation is held past it."""
        self._entry = None
        self._lineages.clear()
