"""Feed a running QuantScope server from an external training job (standard library only).

    from quantscope.client import QuantScopeClient, TEDebugLogger      # or: from quantscope_client import ...

    run = QuantScopeClient("http://127.0.0.1:5080").create_run("my-fp8-job")
    for step in range(steps):
        ...
        run.log(step, {"loss": loss.item(), "lr": lr})                                  # scalars
        run.log(step, {"amax": a, "overflowFraction": f}, layer="model.layers.0.mlp.down_proj", role="input")
    run.finish()                                                                        # or run.finish("failed", str(e))

Points are buffered and sent in the background (every `flush_points` points or `flush_seconds` seconds) as columnar
batches to POST /api/runs/{id}/metrics, so `log` never waits for the network. A failed send is raised by the next
`log`, `flush` or `finish` call. NaN and infinities are sent the way the server reads them (null, "Infinity").

A server that listens beyond loopback asks for its access token: pass `token=...` or set the environment variable
QUANTSCOPE_TOKEN; it is sent as `Authorization: Bearer <token>`.
"""

import json
import math
import os
import re
import threading
import urllib.error
import urllib.request

__all__ = ["QuantScopeClient", "QuantScopeError", "Run", "TEDebugLogger", "parse_te_stat"]

# The server takes at most 100k points per batch; smaller requests keep each one well under its body limits.
MAX_POINTS_PER_REQUEST = 10_000
ROLES = ("input", "weight", "grad")


class QuantScopeError(Exception):
    """The server refused a request (the message carries its problem details) or could not be reached.
    `status` is the HTTP status of a refusal, None when the server could not be reached."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class QuantScopeClient:
    """A QuantScope server, e.g. QuantScopeClient("http://127.0.0.1:5080", token="...").

    `token` defaults to the environment variable QUANTSCOPE_TOKEN; None (and no variable) sends no token.
    """

    def __init__(self, url, timeout=30.0, token=None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.token = token if token is not None else (os.environ.get("QUANTSCOPE_TOKEN") or None)

    def __repr__(self):
        return f"QuantScopeClient({self.url!r})"  # never the token

    def create_run(self, name, layers=None, flush_points=2000, flush_seconds=1.0):
        """Creates an external run (status running) and returns a Run to log into."""
        body = {"kind": "external", "name": name, "layers": list(layers or [])}
        created = self.post("/api/runs", body)
        return Run(self, created["id"], flush_points, flush_seconds)

    def post(self, path, body, timeout=None):
        """POSTs JSON and returns the decoded answer (None when empty); raises QuantScopeError on any failure."""
        return self.request("POST", path, body, timeout)

    def get(self, path, timeout=None):
        """GETs JSON and returns the decoded answer; raises QuantScopeError on any failure."""
        return self.request("GET", path, None, timeout)

    def request(self, method, path, body=None, timeout=None):
        """Sends `body` as JSON (none when None) and returns the decoded answer (None when empty)."""
        data = None if body is None else json.dumps(body, allow_nan=False).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout if timeout is None else timeout) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            detail = error_detail(e.read().decode("utf-8", errors="replace"), self.token)
            raise QuantScopeError(f"{method} {path} answered {e.code}: {detail}", e.code) from None
        except (urllib.error.URLError, OSError) as e:
            raise QuantScopeError(f"{method} {path} failed: {e}") from None
        return json.loads(text) if text.strip() else None


# Error messages end up in training logs: keep them short, and never let the token into them (a server that echoed
# request headers, or a proxy's error page, would otherwise print it).
MAX_ERROR_DETAIL = 1000


def error_detail(text, token=None):
    """The server's answer as it goes into a QuantScopeError: the token masked, at most MAX_ERROR_DETAIL characters."""
    if token:
        text = text.replace(token, "***")
    if len(text) > MAX_ERROR_DETAIL:
        text = text[:MAX_ERROR_DETAIL] + f"... ({len(text) - MAX_ERROR_DETAIL} more characters)"
    return text


def _wire_value(value):
    """JSON has no NaN or infinity: the server reads null as NaN and the strings below as infinities."""
    v = float(value)  # also takes numpy scalars and 0-d torch tensors
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


class Run:
    """An external run: buffers points and sends them in the background."""

    def __init__(self, client, run_id, flush_points=2000, flush_seconds=1.0):
        self.client = client
        self.id = run_id
        self.flush_points = max(1, int(flush_points))
        self.flush_seconds = float(flush_seconds)
        self._buffer = []  # (step, name, layer, role, value)
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()  # one request at a time keeps the run's batches in order
        self._wake = threading.Condition(self._lock)
        self._error = None
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name=f"quantscope-{run_id}", daemon=True)
        self._thread.start()

    def log(self, step, metrics, layer=None, role=None):
        """Logs {name: value} at `step`; with `layer` (full module name) they are per-layer values of tensor `role`
        ("input", "weight" or "grad"; default "input")."""
        if int(step) < 0:
            raise ValueError("step must be >= 0")
        if role is not None and role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        if layer is not None and role is None:
            role = "input"
        if layer is None and role is not None:
            raise ValueError("role needs a layer (scalars have no role)")
        points = [(int(step), str(name), layer, role, _wire_value(value)) for name, value in metrics.items()]
        with self._lock:
            self._raise_pending()
            if self._closed:
                raise QuantScopeError(f"run {self.id} is finished")
            self._buffer.extend(points)
            if len(self._buffer) >= self.flush_points:
                self._wake.notify()

    def flush(self):
        """Sends everything logged so far and waits for the answers."""
        self._send_all()
        with self._lock:
            self._raise_pending()

    def finish(self, status="completed", error=None):
        """Sends what is left, then ends the run ("completed" or "failed" with an error text)."""
        with self._lock:
            self._closed = True
            self._wake.notify()
        self._thread.join()
        self._send_all()
        with self._lock:
            self._raise_pending()
        body = {"status": status}
        if error is not None:
            body["error"] = str(error)
        self.client.post(f"/api/runs/{self.id}/finish", body)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.finish("failed" if exc is not None else "completed", None if exc is None else repr(exc))
        return False

    def _raise_pending(self):
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _loop(self):
        while True:
            with self._lock:
                if not self._closed and len(self._buffer) < self.flush_points:
                    self._wake.wait(self.flush_seconds)
                closed = self._closed
            try:
                self._send_all()
            except QuantScopeError as e:
                with self._lock:
                    self._error = e
            if closed:
                return

    def _send_all(self):
        with self._send_lock:
            while True:
                with self._lock:
                    chunk = self._buffer[:MAX_POINTS_PER_REQUEST]
                    del self._buffer[:MAX_POINTS_PER_REQUEST]
                if not chunk:
                    return
                steps, names, layers, roles, values = (list(column) for column in zip(*chunk))
                body = {"steps": steps, "names": names, "layers": layers, "roles": roles, "values": values}
                self.client.post(f"/api/runs/{self.id}/metrics", body)


_TE_NAME = re.compile(r"^(?P<layer>.+)_(?P<tensor>activation|weight|gradient)_(?P<stat>.+)$")
_TE_ROLES = {"activation": "input", "weight": "weight", "gradient": "grad"}
# stat -> (QuantScope metric, factor): TE reports percentages where QuantScope stores fractions.
_TE_STATS = {
    "underflows%": ("underflowFraction", 0.01),
    "overflows%": ("overflowFraction", 0.01),
    "cur_amax": ("amax", 1.0),
    "mse": ("mse", 1.0),
}


def parse_te_stat(name, value):
    """Maps an nvdlfw_inspect stat name `<layer>_<tensor>_<stat>` to (layer, role, metric, value); names that do not
    follow the pattern come back as a scalar (None, None, name, value)."""
    match = _TE_NAME.match(name)
    if match is None:
        return None, None, name, value
    metric, factor = _TE_STATS.get(match["stat"], (match["stat"], 1.0))
    v = float(value)
    return match["layer"], _TE_ROLES[match["tensor"]], metric, v * factor if factor != 1.0 else v


def _te_base_logger():
    """nvdlfw_inspect's BaseLogger when installed, else object: the logger works either way."""
    for module in ("nvdlfw_inspect.logging", "nvdlfw_inspect.base_logger"):
        try:
            return getattr(__import__(module, fromlist=["BaseLogger"]), "BaseLogger")
        except (ImportError, AttributeError):
            continue
    return object


class TEDebugLogger(_te_base_logger()):
    """A logger for Transformer Engine's debug API (nvdlfw_inspect): pass it as a custom logger and every
    `log_scalar(name, value, iteration)` goes to the run, e.g. "model.layers.0.mlp.fc2_activation_underflows%" = 1.5
    becomes underflowFraction 0.015 of layer model.layers.0.mlp.fc2, role input, at step `iteration`."""

    def __init__(self, run):
        try:
            super().__init__()
        except TypeError:  # a BaseLogger whose constructor wants arguments we do not have
            pass
        self.run = run

    def log_scalar(self, name, value, iteration, **kwargs):
        layer, role, metric, v = parse_te_stat(name, value)
        self.run.log(int(iteration), {metric: v}, layer=layer, role=role)
