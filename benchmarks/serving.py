"""Load benchmark of the real server: 50 concurrent readers of the Izium page and its JSON twin.

Starts ``exhume serve`` (gunicorn, the production server) on the synthetic demo data, on SQLite
or on PostgreSQL (``--database-url``), and drives it with ``--clients`` keep-alive connections to
127.0.0.1 only, each sending its next request as soon as the last one answered. The same run
measures one client alone (the baseline). Reports per URL: requests, errors (non-200 or broken
connection), req/s, p50, p95, p99 (ms), and the server's CPU time per request.

The load generator shares the machine's cores with the server, so it must be cheap:
``--generator wrk`` (Debian's ``wrk``, a compiled epoll generator, run with one thread for
``--duration`` seconds; ``apt-get install wrk``) costs a few microseconds of CPU a request;
``--generator asyncio`` (built in: HTTP/1.1 over asyncio streams, ``--requests`` per client)
costs some tens. ``auto`` (the default) takes wrk when it is on the PATH.

    .venv/bin/python benchmarks/serving.py                      # SQLite demo in a temp folder
    .venv/bin/python benchmarks/serving.py --database-url postgresql://postgres@127.0.0.1/bench
    .venv/bin/python benchmarks/serving.py --target http://127.0.0.1:8000  # a server you run

Prints one JSON object. The demo is built once per data folder (``--data-dir`` keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
URLS = ("/sites/izium/", "/api/sites/izium")


def exhume_command() -> list[str]:
    """The CLI beside this Python (else ``python -m exhume.cli``)."""
    beside = Path(sys.executable).with_name("exhume")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "exhume.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(
    env: dict[str, str], *, port: int | None = None, workers: int | None = None, log: Path
) -> Iterator[str]:
    """``exhume serve`` in a subprocess until the block ends; yields its base URL."""
    env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}  # not the tests'
    port = port or free_port()
    command = [*exhume_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(port, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exhume serve exited with {process.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.2)
    raise RuntimeError(f"exhume serve did not listen on {port} within 600 s:\n{log.read_text()}")


def server_pid(base: str) -> int | None:
    """The process listening on ``base``'s port (the gunicorn master), via psutil."""
    import psutil

    port = urlparse(base).port
    for conn in psutil.net_connections("tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port:
            return conn.pid
    return None


@dataclass
class Tally:
    """Latencies (seconds) of answered requests and the count of failures."""

    latencies: list[float] = field(default_factory=list)
    broken: int = 0  # connection refused, reset, timed out, or a malformed answer
    statuses: dict[int, int] = field(default_factory=dict)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; returns (status, whether the server keeps the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close"


async def _client(host: str, port: int, path: str, count: int, until: float, tally: Tally) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode()
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    for _ in range(count):
        if time.monotonic() > until:
            break
        start = time.perf_counter()
        try:
            if writer is None or reader is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            await writer.drain()
            status, keep = await asyncio.wait_for(_read_response(reader), 30)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            tally.broken += 1
            if writer is not None:
                writer.close()
            writer = reader = None
            continue
        tally.latencies.append(time.perf_counter() - start)
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if not keep:
            writer.close()
            writer = reader = None
    if writer is not None:
        writer.close()


def drive(base: str, path: str, *, clients: int, requests: int, limit_s: float) -> dict[str, Any]:
    """``clients`` concurrent keep-alive clients, ``requests`` each, at most ``limit_s``."""
    target = urlparse(base)
    host, port = target.hostname or "127.0.0.1", target.port or 80
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"refusing to load {host}: this benchmark drives loopback only")
    tally = Tally()

    async def run() -> float:
        until = time.monotonic() + limit_s
        start = time.perf_counter()
        await asyncio.gather(
            *(_client(host, port, path, requests, until, tally) for _ in range(clients))
        )
        return time.perf_counter() - start

    seconds = asyncio.run(run())
    return summary(tally, seconds, clients)


#: wrk's report as one JSON line (latencies in microseconds, counts of each kind of error).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def drive_wrk(base: str, path: str, *, clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` keep-alive connections from one wrk thread for ``seconds``."""
    target = urlparse(base)
    if target.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"refusing to load {target.hostname}: this benchmark drives loopback only")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
                   "-s", script.name, base + path]  # fmt: skip
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    found = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    errors = sum(found[k] for k in ("connect", "read", "write", "status", "timeout"))
    elapsed = found["duration_us"] / 1e6
    return {
        "clients": clients,
        "requests": found["requests"],
        "errors": errors,
        "error_kinds": {k: found[k] for k in ("connect", "read", "write", "status", "timeout")},
        "seconds": round(elapsed, 2),
        "req_per_s": round(found["requests"] / elapsed, 1) if elapsed else None,
        "p50_ms": round(found["p50"] / 1000, 1),
        "p95_ms": round(found["p95"] / 1000, 1),
        "p99_ms": round(found["p99"] / 1000, 1),
    }


def summary(tally: Tally, seconds: float, clients: int) -> dict[str, Any]:
    ms = sorted(x * 1000 for x in tally.latencies)

    def pct(q: float) -> float | None:
        return round(ms[min(len(ms) - 1, int(q * len(ms)))], 1) if ms else None

    return {
        "clients": clients,
        "requests": len(ms) + tally.broken,
        "errors": tally.broken + sum(n for code, n in tally.statuses.items() if code != 200),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "seconds": round(seconds, 2),
        "req_per_s": round(len(ms) / seconds, 1) if seconds else None,
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def build_demo(env: dict[str, str]) -> None:
    subprocess.run([*exhume_command(), "demo"], env=env, check=True, capture_output=True)


def server_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of the server process and its workers (psutil), or None."""
    if pid is None:
        return None
    import psutil

    try:
        tree = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
        return sum(p.cpu_times().user + p.cpu_times().system for p in tree)
    except psutil.Error:
        return None


def measure(base: str, args: argparse.Namespace, pid: int | None = None) -> dict[str, Any]:
    """Per URL: a warm-up, one client alone, then ``--clients`` together. The server's CPU
    time per request (from its processes' CPU counters) does not depend on what else the
    machine runs, unlike the latencies."""
    results: dict[str, Any] = {}
    for path in URLS:
        drive(base, path, clients=4, requests=20, limit_s=30)  # warm every worker's cache
        if args.generator == "wrk":
            single = drive_wrk(base, path, clients=1, seconds=args.duration / 2)
        else:
            single = drive(base, path, clients=1, requests=args.single, limit_s=args.limit)
        before = server_cpu_seconds(pid)
        if args.generator == "wrk":
            loaded = drive_wrk(base, path, clients=args.clients, seconds=args.duration)
        else:
            loaded = drive(
                base, path, clients=args.clients, requests=args.requests, limit_s=args.limit
            )
        after = server_cpu_seconds(pid)
        if before is not None and after is not None and loaded["requests"]:
            loaded["server_cpu_ms_per_request"] = round(
                (after - before) * 1000 / loaded["requests"], 2
            )
        results[path] = {
            "single_client": single,
            "concurrent": loaded,
            "p50_ratio_vs_single": (
                round(loaded["p50_ms"] / single["p50_ms"], 1)
                if loaded["p50_ms"] and single["p50_ms"]
                else None
            ),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=60, help="per client and URL")
    parser.add_argument("--single", type=int, default=200, help="requests of the lone client")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per measurement")
    parser.add_argument("--database-url", default="", help="postgresql://... (default SQLite)")
    parser.add_argument("--data-dir", type=Path, default=None, help="keep the demo here")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--target", default="", help="drive a server already running here")
    parser.add_argument("--target-pid", type=int, default=None, help="its process id (CPU time)")
    parser.add_argument("--generator", choices=("auto", "wrk", "asyncio"), default="auto")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per wrk run")
    args = parser.parse_args()
    if args.generator == "auto":
        args.generator = "wrk" if shutil.which("wrk") else "asyncio"

    info: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
        },
        "urls": list(URLS),
        "generator": args.generator,
    }
    if args.target:
        info["server"] = args.target
        info["results"] = measure(args.target.rstrip("/"), args, args.target_pid)
        print(json.dumps(info, indent=2))
        return
    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="exhume-serving-"))
    env = {**os.environ, "EXHUME_DATA_DIR": str(folder)}
    env.pop("EXHUME_DEBUG", None)
    if args.database_url:
        env["EXHUME_DATABASE_URL"] = args.database_url
    else:
        env.pop("EXHUME_DATABASE_URL", None)
    try:
        if not (folder / "releases" / "izium").is_dir():
            build_demo(env)
        with running_server(env, workers=args.workers, log=folder / "serve.log") as base:
            info["server"] = "exhume serve (gunicorn gthread)"
            info["database"] = "postgresql" if args.database_url else "sqlite"
            info["results"] = measure(base, args, server_pid(base))
    finally:
        if args.data_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    info["machine"]["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
