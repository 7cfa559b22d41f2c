"""A live run on the dashboard, fed from a PyTorch job: `quantscope.init(...)` returns one.

`log(step, loss=..., lr=...)` takes numbers or tensors; with probes (`quantscope.watch`) it also ends the probes'
step. Everything a logged step needs from the device is copied in ONE device-to-host transfer (the probes' window and
the tensor scalars together), then finished into metric points and sent on the sender's thread."""

import json
import math
import os
import time
import warnings

from .client import QuantScopeClient
from .sender import Sender

__all__ = ["LiveRun", "DEFAULT_URL"]

DEFAULT_URL = "http://127.0.0.1:5080"


def _rank():
    try:
        import torch.distributed as dist
        return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0
    except Exception:  # noqa: BLE001 - no torch.distributed: a single process
        return 0


class LiveRun:
    """An external run (see the module docs). Only rank 0 of a distributed job sends (`all_ranks=True`: every rank).
    `offline=True` computes and finishes everything but sends nothing (benchmarks, dry runs)."""

    def __init__(self, url=None, name=None, config=None, token=None, layers=None, max_batches=1000,
                 request_timeout=10.0, create_timeout=5.0, all_ranks=False, offline=False):
        url = url or os.environ.get("QUANTSCOPE_URL") or DEFAULT_URL
        self.name = name or "pytorch"
        self.client = QuantScopeClient(url, timeout=request_timeout, token=token)
        self.probes = []
        self.active = all_ranks or _rank() == 0
        self._pending_scalars = []  # (step, {name: host value or tensor}) waiting for the next copy
        self._finished = False
        self._sender = None
        self._notes = None
        self._annotated = False
        if config is not None:
            try:
                self._notes = "config: " + json.dumps(config, default=str, sort_keys=True)[:19000]
            except (TypeError, ValueError) as e:
                raise ValueError(f"config: not JSON-serialisable ({e})") from None
        if not self.active:
            return
        if offline:  # everything is computed and finished as usual, nothing is sent (benchmarks, dry runs)
            self._sender = Sender(None, None, max_batches=max_batches)
            return
        body = {"kind": "external", "name": self.name, "layers": list(layers or [])}
        run_id = None
        try:  # one quick try now; when the dashboard is away the sender keeps trying in the background
            run_id = self.client.post("/api/runs", body, timeout=create_timeout)["id"]
        except Exception as e:  # noqa: BLE001 - the job must never fail because of the dashboard
            warnings.warn(f"quantscope: could not create the run yet ({e}); retrying in the background", RuntimeWarning, stacklevel=3)
        self._sender = Sender(self.client, body, max_batches=max_batches, request_timeout=request_timeout, run_id=run_id)
        if run_id is not None:
            self._annotate()

    @property
    def id(self):
        """The run id on the dashboard, None while it could not be created."""
        return None if self._sender is None else self._sender.run_id

    @property
    def url(self):
        """The dashboard's run page, or None."""
        return None if self.id is None else f"{self.client.url}/runs/{self.id}"

    @property
    def sent(self):
        """Metric batches the dashboard accepted (offline: batches built)."""
        return 0 if self._sender is None else self._sender.sent

    @property
    def dropped(self):
        """Metric batches dropped because the dashboard was away too long (the queue was full) or refused them."""
        return 0 if self._sender is None else self._sender.dropped

    def watch(self, model, **kwargs):
        """`quantscope.watch(model, run=self, ...)`."""
        from .probe import Probe
        probe = Probe(model, **kwargs)
        self.probes.append(probe)
        return probe

    def log(self, step, **metrics):
        """Logs scalars at `step` (an int >= 0) and ends the probes' step. Values: numbers or 0-d tensors (read once,
        together with the probes' statistics). Never waits for the dashboard."""
        if isinstance(step, bool) or not isinstance(step, int) and not hasattr(step, "__index__"):
            raise ValueError(f"step: must be an integer, not {step!r}")
        step = int(step)
        if step < 0:
            raise ValueError(f"step: must be >= 0, not {step}")
        if self._finished:
            raise RuntimeError("the run is finished")
        _check_scalars(metrics)
        self._pending_scalars.append((step, dict(metrics)))
        parts = [p.collect(step) for p in self.probes]
        if any(part is not None for part in parts) or not self.probes:
            self._ship(parts)

    def log_scalars(self, step, **metrics):
        """Logs host numbers at `step` without ending the probes' step (for values that arrive late, e.g. a trainer's
        averaged loss)."""
        _check_scalars(metrics)
        rows = [(int(step), {k: float(v) for k, v in metrics.items()})]
        if self._sender is not None and metrics:
            self._sender.put(_scalar_batch(rows))

    def log_layer(self, step, layer, role="input", **metrics):
        """Logs per-layer values you computed yourself (numbers) for `layer` (full module name) and `role`."""
        if role not in ("input", "weight", "grad"):
            raise ValueError(f"role: must be 'input', 'weight' or 'grad', not {role!r}")
        names = list(metrics)
        batch = {"steps": [int(step)] * len(names), "names": names, "layers": [layer] * len(names),
                 "roles": [role] * len(names), "values": [_wire(float(v)) for v in metrics.values()]}
        if self._sender is not None and names:
            self._sender.put(batch)

    def _ship(self, parts):
        """One host copy of everything pending, then the finishing and sending on the sender thread."""
        import torch
        scalars, self._pending_scalars = self._pending_scalars, []
        if not self.active:
            return  # another rank: the probes took part in reduce="max" already; nothing to read or send
        tensors, keys = [], []
        for i, (_, values) in enumerate(scalars):
            for name, value in values.items():
                if isinstance(value, torch.Tensor):
                    tensors.append(value.detach().reshape(-1)[:1].to(torch.float64))
                    keys.append((i, name))
        devices = [flat for flat, _ in (p for p in parts if p is not None)]
        chunks = devices + tensors
        host = []
        if chunks:
            device = chunks[0].device
            host = torch.cat([c.to(device) for c in chunks]).cpu().tolist()  # SYNC POINT: the one copy of this step
        offset = 0
        finishes = []
        for part in parts:
            if part is None:
                continue
            flat, finish = part
            finishes.append((finish, host[offset:offset + flat.numel()]))
            offset += flat.numel()
        for (i, name), value in zip(keys, host[offset:]):
            scalars[i][1][name] = value
        scalar_rows = [(step, {k: float(v) for k, v in values.items()}) for step, values in scalars]

        def build():
            batches = [finish(values, []) for finish, values in finishes]
            batches.append(_scalar_batch(scalar_rows))
            return _merge(batches)
        self._sender.put(build)

    def finish(self, status="completed", error=None, timeout=30.0):
        """Sends what is left (the probes' partial window too) for at most `timeout` seconds, then ends the run.
        Returns True when everything reached the dashboard; never raises because of it."""
        if self._finished:
            return True
        deadline = time.monotonic() + timeout
        parts = [p.flush() for p in self.probes]
        if any(part is not None for part in parts) or self._pending_scalars:
            self._ship(parts)
        for probe in self.probes:
            probe.close()
        self._finished = True
        if self._sender is None:
            return True
        done = self._sender.close(max(0.0, deadline - time.monotonic() - 1.0))
        if self._sender.offline:
            return done
        if self.id is None:
            return False
        if not self._annotated:
            self._annotate()
        body = {"status": status} if error is None else {"status": status, "error": str(error)[:4000]}
        try:
            self.client.post(f"/api/runs/{self.id}/finish", body, timeout=max(0.1, min(5.0, deadline - time.monotonic())))
        except Exception as e:  # noqa: BLE001
            warnings.warn(f"quantscope: could not finish the run on the dashboard ({e})", RuntimeWarning, stacklevel=2)
            return False
        return done

    def _annotate(self):
        self._annotated = True
        if self._notes is None:
            return
        try:
            self.client.request("PATCH", f"/api/runs/{self.id}", {"notes": self._notes}, timeout=5.0)
        except Exception as e:  # noqa: BLE001
            warnings.warn(f"quantscope: could not store the config in the run's notes ({e})", RuntimeWarning, stacklevel=3)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.finish("failed" if exc is not None else "completed", None if exc is None else repr(exc))
        return False


def _check_scalars(metrics):
    """Names non-empty; values numbers or one-element tensors (a ValueError names the metric)."""
    for name, value in metrics.items():
        if not name:
            raise ValueError("metric names must not be empty")
        if hasattr(value, "numel") and hasattr(value, "detach"):
            if value.numel() != 1:
                raise ValueError(f"{name}: a tensor must hold one value, this one has {value.numel()}")
            continue
        try:
            float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: must be a number or a one-element tensor, not {value!r}") from None


def _scalar_batch(rows):
    steps, names, values = [], [], []
    for step, metrics in rows:
        for name, value in metrics.items():
            if math.isnan(value):
                continue
            steps.append(step)
            names.append(name)
            values.append(_wire(value))
    return {"steps": steps, "names": names, "layers": [None] * len(steps), "roles": [None] * len(steps), "values": values}


def _merge(batches):
    out = {"steps": [], "names": [], "layers": [], "roles": [], "values": []}
    for b in batches:
        for key in out:
            out[key].extend(b[key])
    return out


def _wire(v):
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v
