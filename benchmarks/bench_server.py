"""The server under a bounded load on 127.0.0.1: requests/s and p95 latency for reading a
forecast (a finished run's result: the default scenario's `forecast` document) and for starting
runs, beside GET /health (the framework's floor), alternating the three in rounds; zero errors
required. `grandbargain serve` with its defaults (2 workers), on SQLite in a temporary folder
(and on PostgreSQL too when GRANDBARGAIN_DATABASE_URL names one).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from _record import record

CLIENTS = 8          # concurrent clients
PER_ROUND = 80       # requests per kind per round
ROUNDS = 5


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "GRANDBARGAIN_DATABASE_URL": url}
    with open(log, "ab") as sink:
        server = subprocess.Popen([sys.executable, "-m", "grandbargain", "serve", "--port",
                                   str(port), "--max-runs-per-user", "100000"], env=env,
                                  stdout=sink, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not start: {log.read_text()[-2000:]}")


def _burst(client: httpx.Client, method: str, path: str, body: dict | None, n: int
           ) -> tuple[list[float], int, float]:
    def one(_: int) -> tuple[float, bool]:
        start = time.perf_counter()
        response = client.request(method, path, json=body)
        return time.perf_counter() - start, response.status_code < 400

    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(one, range(n)))
    wall = time.perf_counter() - start
    return [t for t, _ in results], sum(not ok for _, ok in results), n / wall


def _measure(url: str, label: str) -> list[str]:
    from grandbargain.store import close_store, open_store
    from grandbargain.store._accounts import add_user

    store = open_store(url)
    import secrets

    _, token = add_user(store, f"bench-{secrets.token_hex(4)}")
    close_store(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        server = _serve(url, port, Path(folder) / "server.log")
        try:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=60,
                              limits=httpx.Limits(max_connections=CLIENTS)) as client:
                run = client.post("/runs", json={"kind": "forecast",
                                                 "shipped": "us-china-2025-07"}).json()
                while client.get(f"/runs/{run['id']}").json()["status"] in ("queued",
                                                                             "running"):
                    time.sleep(0.5)
                result = client.get(f"/runs/{run['id']}/result")
                assert result.status_code == 200, result.text
                size = len(result.content)
                cases = {
                    "GET /health": ("GET", "/health", None),
                    f"GET /runs/ID/result (forecast document, {size / 1024:.0f} KiB)":
                        ("GET", f"/runs/{run['id']}/result", None),
                    "POST /runs (start a forecast run)":
                        ("POST", "/runs", {"kind": "forecast", "shipped": "us-china-2025-07",
                                           "options": {"model": ["median"]}}),
                }
                seen = {name: {"lat": [], "errors": 0, "rps": []} for name in cases}
                for _ in range(ROUNDS):  # alternate the cases, round by round
                    for name, (method, path, body) in cases.items():
                        lat, errors, rps = _burst(client, method, path, body, PER_ROUND)
                        seen[name]["lat"] += lat
                        seen[name]["errors"] += errors
                        seen[name]["rps"].append(rps)
        finally:
            server.kill()
            server.wait()
    rows = []
    floor = statistics.median(seen["GET /health"]["rps"])
    for name, s in seen.items():
        lat = sorted(s["lat"])
        p95 = lat[int(0.95 * (len(lat) - 1))] * 1000
        rps = statistics.median(s["rps"])
        rows.append(f"| {label} | {name} | {rps:.0f} | {statistics.median(lat) * 1000:.1f} | "
                    f"{p95:.1f} | {len(lat)} | {s['errors']} | {rps / floor:.2f}x |")
        if s["errors"]:
            raise SystemExit(f"{s['errors']} errors on {name}")
    return rows


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += _measure(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "SQLite")
    pg = os.environ.get("GRANDBARGAIN_DATABASE_URL", "")
    if pg.startswith(("postgresql", "postgres:")):
        rows += _measure(pg, "PostgreSQL")
    body = (f"{CLIENTS} concurrent clients (httpx, keep-alive), {ROUNDS} rounds of "
            f"{PER_ROUND} requests per case, the cases alternating round by round; requests/s "
            "is the median over rounds, latencies over all requests. The started runs queue "
            "and the server's 2 workers run them meanwhile (as in use).\n\n"
            "| store | request | requests/s | median ms | p95 ms | requests | errors | "
            "req/s vs /health |\n|---|---|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows)
            + "\n\nMachine shared with other jobs while this ran: provisional figures.")
    print(body)
    record("server", "Server: reading a forecast and starting runs (bounded load)", body)


if __name__ == "__main__":
    main()
