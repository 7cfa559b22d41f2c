"""The background sender of a live run: the training job never waits for the dashboard and never fails because of it.

Batches go into a bounded queue (`put` never blocks); one daemon thread creates the run (when init could not) and
posts them in order. Dashboard down or slow: batches stay queued and are retried with exponential back-off; when the
queue is full the oldest batch is dropped, counted in `dropped`, and one warning is printed. A batch the server
refuses as invalid (HTTP 4xx other than 401/403/408/429) is dropped with a warning, since resending cannot help.
"""

import collections
import threading
import time
import warnings

from .client import MAX_POINTS_PER_REQUEST, QuantScopeError

__all__ = ["Sender"]

_RETRY_STATUSES = {401, 403, 408, 429}


class Sender:
    """Posts columnar batches of one run from a daemon thread (see the module docs)."""

    def __init__(self, client, create_body, max_batches=1000, backoff=(0.2, 10.0), request_timeout=10.0, run_id=None):
        self.client = client
        self.dropped = 0        # batches dropped because the queue was full or the server refused them
        self.sent = 0           # batches the server accepted
        self.last_error = None  # text of the latest failure, None after a success
        self._create_body = create_body
        self._run_id = run_id
        self._created = threading.Event()
        self.offline = client is None  # offline: batches are built (same host work) and counted, never posted
        if run_id is not None or self.offline:
            self._created.set()
        self._queue = collections.deque()
        self._max = max(1, int(max_batches))
        self._backoff = backoff
        self._timeout = request_timeout
        self._cond = threading.Condition()
        self._busy = False
        self._closing = False
        self._stopped = False  # close() gave up: the thread ends instead of retrying forever
        self._warned = False
        self._thread = threading.Thread(target=self._loop, name="quantscope-sender", daemon=True)
        self._thread.start()

    @property
    def run_id(self):
        """The run's id once the server created it, else None."""
        return self._run_id

    def wait_created(self, timeout):
        """Waits up to `timeout` seconds for the run to exist; its id or None."""
        self._created.wait(timeout)
        return self._run_id

    def put(self, batch):
        """Queues one batch ({"steps", "names", "layers", "roles", "values"}), or a function that makes one on the
        sender's thread (finishing is done there, off the training thread); never blocks, never raises."""
        with self._cond:
            if len(self._queue) >= self._max:
                self._queue.popleft()
                self._drop("the queue is full (the dashboard is away or slow)")
            self._queue.append(batch)
            self._cond.notify()

    def pending(self):
        """Batches not sent yet (queued or in flight)."""
        with self._cond:
            return len(self._queue) + (1 if self._busy else 0)

    def close(self, timeout):
        """Sends what is queued for at most `timeout` seconds, then stops the thread; True when everything went."""
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            self._closing = True
            self._cond.notify()
            while (self._queue or self._busy or not self._created.is_set()) and time.monotonic() < deadline:
                self._cond.wait(min(0.05, max(0.0, deadline - time.monotonic())))
            done = not self._queue and not self._busy and self._created.is_set()
            self._queue.clear()
            self._stopped = True
        self._thread.join(max(0.0, deadline - time.monotonic()))
        return done

    def _drop(self, why):
        self.dropped += 1
        if not self._warned:
            self._warned = True
            warnings.warn(f"quantscope: dropping metric batches because {why}; training goes on "
                          f"(count in run.dropped)", RuntimeWarning, stacklevel=3)

    def _loop(self):
        delay = self._backoff[0]
        while True:
            with self._cond:
                while not self._closing and (not self._queue and self._created.is_set()):
                    self._cond.wait(0.5)
                if self._stopped or (self._closing and not self._queue and self._created.is_set()):
                    return
                batch = self._queue.popleft() if self._created.is_set() and self._queue else None
                self._busy = batch is not None
            if callable(batch):
                self._expand(batch)
                continue
            ok = self._attempt(batch)
            with self._cond:
                if batch is not None:
                    self._busy = False
                    if not ok:
                        self._queue.appendleft(batch)  # keep order; retried after the back-off
                self._cond.notify_all()
                if ok:
                    delay = self._backoff[0]
                    continue
                if self._closing:
                    self._cond.wait(min(delay, 0.2))  # closing: retry quickly until close() gives up
                else:
                    self._cond.wait(delay)
                delay = min(delay * 2, self._backoff[1])

    def _expand(self, make):
        """Builds a deferred batch and queues it in front, split into requests of at most MAX_POINTS_PER_REQUEST."""
        try:
            batch = make()
        except Exception as e:  # noqa: BLE001 - a bad window must not stop the sender
            batch = None
            with self._cond:
                self._drop(f"one could not be finished: {e!r}")
        chunks = []
        if batch is not None and batch["steps"]:
            n = len(batch["steps"])
            for start in range(0, n, MAX_POINTS_PER_REQUEST):
                chunks.append({k: v[start:start + MAX_POINTS_PER_REQUEST] for k, v in batch.items()})
        with self._cond:
            for chunk in reversed(chunks):
                self._queue.appendleft(chunk)
            self._busy = False
            self._cond.notify_all()

    def _attempt(self, batch):
        """True when done with the item (sent or dropped for good), False to retry later."""
        if self.offline:
            self.sent += batch is not None
            return True
        try:
            if not self._created.is_set():
                created = self.client.post("/api/runs", self._create_body, timeout=self._timeout)
                self._run_id = created["id"]
                self._created.set()
                return batch is None
            self.client.post(f"/api/runs/{self._run_id}/metrics", batch, timeout=self._timeout)
            self.sent += 1
            self.last_error = None
            return True
        except QuantScopeError as e:
            self.last_error = str(e)
            if e.status is not None and 400 <= e.status < 500 and e.status not in _RETRY_STATUSES:
                if batch is not None:
                    with self._cond:
                        self._drop(f"the server refused one: {e}")
                    return True
            return False
        except Exception as e:  # noqa: BLE001 - a sender thread must survive anything the network does
            self.last_error = repr(e)
            return False
