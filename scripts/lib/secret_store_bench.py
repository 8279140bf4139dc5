"""Secrets figures against a running Gantry, for a signed-in admin whose step-up is fresh:
create and reveal latency, a 500-line .env import (preview and apply), and a root-key rotation.
Called by login_bench.py with its `call` helper and the admin's session."""
import time
import uuid


def _percentiles(samples):
    samples = sorted(samples)
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] * 1000
    return f"p50 {pick(0.50):.1f} ms, p99 {pick(0.99):.1f} ms"


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def run(call, admin, count=100):
    created, ids = [], []
    for n in range(count):
        form = {"form[name]": f"BENCH_{n}", "form[scope]": "global", "form[generator]": "password32"}
        page, elapsed = _timed(lambda: call(admin, "/api/secrets/create", form))
        created.append(elapsed)
        ids.append(page.rsplit("/", 1)[-1])
    reveals = []
    for secret in ids:
        form = {"id": secret, "copy": "false", "reason": "bench"}
        _, elapsed = _timed(lambda: call(admin, "/api/secrets/reveal", form))
        reveals.append(elapsed)
    print(f"  create a generated secret ({count}): {_percentiles(created)}")
    print(f"  reveal with audit row ({count}): {_percentiles(reveals)}")

    lines = "\n".join(f"IMPORTED_{n}={uuid.uuid4().hex}" for n in range(500))
    form = {"request[scope]": "global", "request[content]": lines}
    _, preview = _timed(lambda: call(admin, "/api/secrets/import/preview", form))
    applied, apply = _timed(lambda: call(admin, "/api/secrets/import/apply", form))
    print(f"  .env import of 500 lines: preview {preview * 1000:.0f} ms, apply {apply * 1000:.0f} ms ({applied} written)")

    overview, rotation = _timed(lambda: call(admin, "/api/keys/rotate", {}))
    print(f"  root-key rotation re-wrapping {overview['data_keys']} data key(s): {rotation * 1000:.0f} ms")
