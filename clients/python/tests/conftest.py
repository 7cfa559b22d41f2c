"""The live test server: the real dashboard (the built QuantScope.Web.dll) on a free loopback port with a temporary
database, started once per session (`server`), or per test (`make_server`) where a test stops it.

The dll is $QUANTSCOPE_WEB_DLL, else src/Web/bin/{Debug,Release}/net10.0/QuantScope.Web.dll of this repository
(`dotnet build` or `dotnet test QuantScope.sln` makes it). A missing dll fails the tests with that message."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the package from this checkout, installed or not
sys.path.insert(0, HERE)
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def _web_dll():
    explicit = os.environ.get("QUANTSCOPE_WEB_DLL")
    candidates = [explicit] if explicit else [
        os.path.join(REPO, "src", "Web", "bin", config, "net10.0", "QuantScope.Web.dll") for config in ("Debug", "Release")]
    for path in candidates:
        if path and os.path.isfile(path):
            return path
    pytest.fail(f"the dashboard is not built: none of {candidates} exists (run `dotnet build src/Web` first)")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A dashboard process; `url`, `get(path)`, `stop()`."""

    def __init__(self, extra_args=()):
        self.folder = tempfile.mkdtemp(prefix="quantscope-pytest-")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(self.folder, "server.log")
        args = ["dotnet", _web_dll(), "--urls", self.url, "--Storage:DatabasePath", os.path.join(self.folder, "q.db"),
                *extra_args]
        env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", Logging__LogLevel__Default="Warning")
        env.pop("QUANTSCOPE_TOKEN", None)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(args, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the dashboard exited with {self.process.returncode}: {self._log_tail()}")
            try:
                self.get("/api/formats")
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"the dashboard did not answer within 120 s: {self._log_tail()}")

    def _log_tail(self):
        with open(self.log_path, "rb") as f:
            return f.read()[-3000:].decode("utf-8", "replace")

    def get(self, path):
        """GET JSON; "-0" keeps its sign (parse_int=float) so bit comparisons see it."""
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return json.loads(response.read(), parse_int=float)

    def wait_status(self, run_id, *statuses, timeout=60):
        """The run once its status is one of `statuses` (finishing is asynchronous: 202, then the queued points)."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.get(f"/api/runs/{run_id}")
            if run["status"] in statuses or time.monotonic() > deadline:
                return run
            time.sleep(0.2)

    def post(self, path, body):
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read(), parse_int=float)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def server():
    # Findings list every flagged layer (default 5): a test asks whether one named layer is among them.
    s = Server(("--Diagnosis:MaxListed", "32"))
    yield s
    s.stop()


@pytest.fixture
def make_server():
    started = []

    def make(*extra_args):
        s = Server(extra_args)
        started.append(s)
        return s
    yield make
    for s in started:
        s.stop()
