"""Host side: one logged window's numbers (copied from the device once) become metric points with the engine's
definitions (README "Concepts and metrics"; src/Engine/Quantization LayerStat formulas, Training/MetricBatchFactory).
Runs on the sender thread, never on the training thread."""

import collections
import math

from .kernels import RAW, RAW_WIDTH, WHATIF_WIDTH

__all__ = ["Finisher", "ROLES", "LOSSLESS_SQNR_DB", "SATURATION_WINDOW", "kurtosis", "sqnr_db"]

ROLES = ("input", "weight", "grad")
LOSSLESS_SQNR_DB = 300.0
SATURATION_WINDOW = 16
_C = {name: i for i, name in enumerate(RAW)}


def sqnr_db(error_energy, signal_energy):
    """10*log10(sum x^2 / sum (q-x)^2) dB, capped at 300 (a lossless tensor)."""
    if error_energy == 0:
        return LOSSLESS_SQNR_DB
    if signal_energy == 0:
        return -math.inf
    if math.isnan(error_energy) or math.isnan(signal_energy):
        return math.nan
    return min(LOSSLESS_SQNR_DB, 10 * math.log10(signal_energy / error_energy))


def kurtosis(n, s1, s2, s3, s4):
    """Pearson kurtosis m4 / m2^2 from raw power sums (3 = normal); NaN for a constant tensor."""
    n = max(1.0, n)
    m1, m2, m3, m4 = s1 / n, s2 / n, s3 / n, s4 / n
    mean2 = m1 * m1
    variance = m2 - mean2
    central4 = m4 - 4 * m1 * m3 + 6 * mean2 * m2 - 3 * mean2 * mean2
    return math.nan if variance == 0 else central4 / (variance * variance)


def _hif8_tiers(bins, elements):
    n = max(1.0, elements)
    return [bins[4] / n, (bins[3] + bins[5]) / n, (bins[2] + bins[6]) / n, bins[1] / n]


class Finisher:
    """Turns windows into columnar batches; keeps the saturation-rate history between windows (one per probe)."""

    def __init__(self, layers, what_if, top_layers, top_k):
        self.layers = list(layers)
        self.what_if = list(what_if)
        self.top_layers = list(top_layers)  # indices of the FC2 layers whose top channels are tracked
        self.top_k = top_k
        self._events = {role: collections.deque(maxlen=SATURATION_WINDOW) for role in ROLES}

    def sizes(self, slots):
        """Lengths of the window parts in the flat host copy: (window, raw, whatIf, top channels)."""
        layers = len(self.layers)
        return (slots * layers * 3 * 3, layers * 3 * RAW_WIDTH, layers * 3 * len(self.what_if) * WHATIF_WIDTH,
                len(self.top_layers) * 2 * self.top_k)

    def batch(self, steps, stats_step, flat, scalars):
        """`steps`: the step of each slot; `stats_step`: the step whose full statistics `flat` holds (None for none);
        `flat`: the host copy; `scalars`: {name: value} per step (already host floats)."""
        out = ([], [], [], [], [])
        slots = len(steps)
        w, r, f, _ = self.sizes(slots)
        window, raw, whatif, top = flat[:w], flat[w:w + r], flat[w + r:w + r + f], flat[w + r + f:]
        for step, values in scalars:
            for name, value in values.items():
                self._add(out, step, name, None, None, value)
        stats_amax = None
        for s, step in enumerate(steps):
            amax_row = self._saturation(out, step, window[s * len(self.layers) * 9:(s + 1) * len(self.layers) * 9])
            if step == stats_step:
                stats_amax = amax_row
        if stats_step is not None and stats_amax is not None:
            self._full(out, stats_step, raw, whatif, top, stats_amax)
        steps_, names, layers, roles, values = out
        return {"steps": steps_, "names": names, "layers": layers, "roles": roles, "values": values}

    @staticmethod
    def _add(out, step, name, layer, role, value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return
        out[0].append(step)
        out[1].append(name)
        out[2].append(layer)
        out[3].append(role)
        out[4].append(_wire(value))

    def _saturation(self, out, step, slot):
        """amax, amaxPred, scale, saturationEvent, amaxRatio, saturationRate of one step; returns {(l, r): amax}."""
        amax_by = {}
        for r, role in enumerate(ROLES):
            events = [math.nan] * len(self.layers)
            for l, layer in enumerate(self.layers):
                amax, pred, scale = slot[(l * 3 + r) * 3:(l * 3 + r) * 3 + 3]
                if math.isnan(amax) and math.isnan(pred):
                    continue  # not observed on this step
                amax_by[(l, r)] = amax
                self._add(out, step, "amax", layer, role, amax)
                self._add(out, step, "amaxPred", layer, role, pred)
                self._add(out, step, "scale", layer, role, scale)
                if math.isfinite(amax) and math.isfinite(pred) and pred > 0:
                    events[l] = 1.0 if amax > pred else 0.0
                    self._add(out, step, "saturationEvent", layer, role, events[l])
                    self._add(out, step, "amaxRatio", layer, role, amax / pred)
            if all(math.isnan(e) for e in events):
                continue
            history = self._events[role]
            history.append(events)
            for l, layer in enumerate(self.layers):
                seen = [e[l] for e in history if not math.isnan(e[l])]
                if seen:
                    self._add(out, step, "saturationRate", layer, role, sum(seen) / len(seen))
        return amax_by

    def _full(self, out, step, raw, whatif, top, amax_by):
        per_format = len(self.what_if) * WHATIF_WIDTH
        for l, layer in enumerate(self.layers):
            for r, role in enumerate(ROLES):
                row = raw[(l * 3 + r) * RAW_WIDTH:(l * 3 + r + 1) * RAW_WIDTH]
                self._role(out, step, layer, role, row, amax_by.get((l, r), math.nan))
                base = (l * 3 + r) * per_format
                for i, fmt in enumerate(self.what_if):
                    self._what_if(out, step, layer, role, fmt, whatif[base + i * WHATIF_WIDTH:base + (i + 1) * WHATIF_WIDTH])
        for i, l in enumerate(self.top_layers):
            part = top[i * 2 * self.top_k:(i + 1) * 2 * self.top_k]
            for rank in range(self.top_k):
                magnitude, channel = part[rank], part[self.top_k + rank]
                if not math.isnan(magnitude):
                    self._add(out, step, f"outliers.{self.layers[l]}.{rank}.absmax", None, None, magnitude)
                    self._add(out, step, f"outliers.{self.layers[l]}.{rank}.channel", None, None, channel)

    def _role(self, out, step, layer, role, row, amax):
        c = _C
        n = row[c["elements"]]
        if not math.isnan(row[c["overflow"]]):
            self._add(out, step, "overflowFraction", layer, role, row[c["overflow"]] / max(1.0, n))
        if not math.isnan(row[c["nonzeroX"]]):
            self._add(out, step, "underflowFraction", layer, role, (row[c["nonzeroX"]] - row[c["nonzeroQ"]]) / max(1.0, n))
            self._add(out, step, "mse", layer, role, row[c["errorEnergy"]] / max(1.0, n))
            self._add(out, step, "sqnrDb", layer, role, sqnr_db(row[c["errorEnergy"]], row[c["signalEnergy"]]))
        bins = row[c["hif8Bin0"]:c["hif8Bin7"] + 1]
        if not math.isnan(bins[0]) and bins[0] >= 0:
            names = ("hif8Tier3Bit", "hif8Tier2Bit", "hif8Tier1Bit", "hif8Tier0Bit")
            for name, value in zip(names, _hif8_tiers(bins, n)):
                self._add(out, step, name, layer, role, value)
        if role == "input" and not math.isnan(row[c["sumX"]]):
            k = kurtosis(n, row[c["sumX"]], row[c["signalEnergy"]], row[c["sumX3"]], row[c["sumX4"]])
            self._add(out, step, "kurtosis", layer, role, k)
            median = row[c["channelMedian"]]
            if median > 0:
                self._add(out, step, "channelRatio", layer, role, amax / median)
        if role == "weight":
            if not math.isnan(row[c["signalEnergy"]]):
                self._add(out, step, "weightNorm", layer, role, math.sqrt(row[c["signalEnergy"]]))
            self._add(out, step, "gradNorm", layer, role, row[c["gradNorm"]])

    def _what_if(self, out, step, layer, role, fmt, v):
        if math.isnan(v[0]):
            return
        n = max(1.0, v[0])
        self._add(out, step, f"whatIf.{fmt}.overflowFraction", layer, role, v[1] / n)
        self._add(out, step, f"whatIf.{fmt}.underflowFraction", layer, role, (v[2] - v[3]) / n)
        self._add(out, step, f"whatIf.{fmt}.mse", layer, role, v[4] / n)
        self._add(out, step, f"whatIf.{fmt}.sqnrDb", layer, role, sqnr_db(v[4], v[5]))


def _wire(value):
    v = float(value)
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v
