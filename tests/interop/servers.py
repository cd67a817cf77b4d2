"""Real Prometheus and Alertmanager servers for the interop tests, on free 127.0.0.1 ports.

Each starter writes a generated config into a temporary directory, starts the Debian
package's binary (``.ci/run`` installs it), waits for ``/-/ready`` with a deadline (polling,
no fixed sleep) and kills the process at teardown. Without the binary the test is skipped
with the reason, never silently passed.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

__all__ = ["Server", "alertmanager", "free_port", "prometheus", "require"]

READY_DEADLINE_S = 20.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require(binary: str) -> str:
    """The binary's path, or skip the test saying which package provides it."""
    path = shutil.which(binary) or (f"/usr/bin/{binary}" if Path(f"/usr/bin/{binary}").exists()
                                    else None)
    if path is None:
        package = "prometheus-alertmanager" if "alertmanager" in binary else "prometheus"
        pytest.skip(f"{binary} not found: install Debian's {package} package (.ci/run does)")
    return path


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str, **params: str) -> httpx.Response:
        return httpx.get(self.url + path, params=params, timeout=5)


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + READY_DEADLINE_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.url} exited: {server.log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if server.get("/-/ready").status_code == 200:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{server.url} not ready in {READY_DEADLINE_S:g}s: "
                       f"{server.log.read_text()[-2000:]}")


@contextlib.contextmanager
def _run(args: list[str], url: str, log: Path) -> Iterator[Server]:
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    server = Server(url, process, log)
    try:
        _wait_ready(server)
        yield server
    finally:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def prometheus(tmp: Path, targets: list[str], scrape_interval: str = "1s") -> Iterator[Server]:
    """A Prometheus scraping ``targets`` (host:port) every ``scrape_interval``."""
    binary = require("prometheus")
    port = free_port()
    config = tmp / "prometheus.yml"
    config.write_text(
        "global:\n"
        f"  scrape_interval: {scrape_interval}\n"
        f"  evaluation_interval: {scrape_interval}\n"
        "scrape_configs:\n"
        "  - job_name: devsim\n"
        f"    scrape_interval: {scrape_interval}\n"
        f"    scrape_timeout: {scrape_interval}\n"
        "    static_configs:\n"
        f"      - targets: [{', '.join(repr(t) for t in targets)}]\n")
    args = [binary, f"--config.file={config}", f"--storage.tsdb.path={tmp / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}"]
    with _run(args, f"http://127.0.0.1:{port}", tmp / "prometheus.log") as server:
        yield server


@contextlib.contextmanager
def alertmanager(tmp: Path, receiver_url: str | None = None,
                 config: str | None = None) -> Iterator[Server]:
    """An Alertmanager with ``config`` (default: one receiver, a webhook to ``receiver_url``
    when given), quick grouping so tests need not wait."""
    binary = require("prometheus-alertmanager")
    port = free_port()
    if config is None:
        hook = (f"    webhook_configs:\n      - url: {receiver_url!r}\n"
                if receiver_url else "")
        config = ("route:\n  receiver: default\n  group_by: [alertname]\n"
                  "  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1h\n"
                  f"receivers:\n  - name: default\n{hook}")
    path = tmp / "alertmanager.yml"
    path.write_text(config)
    args = [binary, f"--config.file={path}", f"--storage.path={tmp / 'am-data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address="]  # no gossip: a lone one notifies without settling
    with _run(args, f"http://127.0.0.1:{port}", tmp / "alertmanager.log") as server:
        yield server
