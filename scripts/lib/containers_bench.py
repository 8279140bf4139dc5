"""Containers figures against a running Gantry and its Docker engine: the containers page with
200 containers, the overhead of a Gantry action over the engine's own time for it, and the
latency from a container writing a log line to the line arriving over the live-logs stream.
Called by login_bench.py with the admin's session; argv[5] is the engine socket path."""
import http.client
import json
import socket
import time
import urllib.request

COUNT = 200
LABEL = "gantry.bench=1"


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost")
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def engine(sock, method, path, body=None):
    conn = UnixConnection(sock)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    if response.status >= 400:
        raise RuntimeError(f"{method} {path}: {response.status} {payload[:200]!r}")
    return json.loads(payload) if payload else None


def run_container(sock, image, name, command):
    spec = {"Image": image, "Cmd": ["sh", "-c", command], "Labels": {"gantry.bench": "1"}, "HostConfig": {"NetworkMode": "none"}}
    created = engine(sock, "POST", f"/containers/create?name={name}", spec)
    engine(sock, "POST", f"/containers/{created['Id']}/start")
    return created["Id"]


def percentiles(samples):
    samples = sorted(samples)
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] * 1000
    return pick(0.50), pick(0.95), pick(0.99)


def clean(sock):
    for c in engine(sock, "GET", "/containers/json?all=1&filters=" + urllib.request.quote(json.dumps({"label": [LABEL]}))):
        engine(sock, "DELETE", f"/containers/{c['Id']}?force=1")


def run(get, call, base, sock, image):
    clean(sock)
    try:
        ids = [run_container(sock, image, f"bench-{n}", "while true; do sleep 60; done") for n in range(COUNT)]
        get("/containers")
        samples = []
        for _ in range(20):
            start = time.perf_counter()
            get("/containers")
            samples.append(time.perf_counter() - start)
        p50, p95, _ = percentiles(samples)
        print(f"  /containers with {COUNT} containers (20 loads): p50 {p50:.0f} ms, p95 {p95:.0f} ms")

        target = ids[0]
        own, ours = [], []
        for _ in range(10):
            start = time.perf_counter()
            engine(sock, "POST", f"/containers/{target}/kill")
            engine(sock, "POST", f"/containers/{target}/start")
            own.append(time.perf_counter() - start)
            start = time.perf_counter()
            call("/api/containers/action", {"ids[0]": target, "action": "kill"})
            call("/api/containers/action", {"ids[0]": target, "action": "start"})
            ours.append(time.perf_counter() - start)
        own_p50, ours_p50 = percentiles(own)[0], percentiles(ours)[0]
        print(f"  kill + start: engine alone p50 {own_p50:.1f} ms, through Gantry p50 {ours_p50:.1f} ms "
              f"(overhead {ours_p50 - own_p50:.1f} ms for two audited actions)")

        ticker = run_container(sock, image, "bench-ticker", "while true; do cat /proc/uptime; usleep 50000; done")
        latencies = []
        request = urllib.request.Request(f"{base}/live/logs/{ticker}?since={int(time.time())}")
        with get.opener.open(request, timeout=30) as stream:
            deadline = time.time() + 15
            while len(latencies) < 200 and time.time() < deadline:
                line = stream.readline().decode()
                if not line.startswith("data:"):
                    continue
                text = json.loads(line[5:])["text"]
                with open("/proc/uptime") as f:
                    now = float(f.read().split()[0])
                latencies.append(max(0.0, now - float(text.split()[0])))
        if latencies:
            p50, _, p99 = percentiles(latencies)
            print(f"  log line written -> received by a live-logs client ({len(latencies)} lines, 10 ms clock): "
                  f"p50 {p50:.0f} ms, p99 {p99:.0f} ms")
        else:
            print("  log latency: no lines arrived")
    finally:
        clean(sock)
