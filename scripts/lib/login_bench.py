#!/usr/bin/env python3
"""Measures sign-in against a running Gantry: sets up the first admin, then times the password
step (argon2id, the expensive part) over many logins from several threads, and the TOTP step;
then the secrets and billing figures (secret_store_bench.py, billing_bench.py) with the admin's
fresh session.

Usage: login_bench.py BASE_URL [LOGINS] [THREADS]
"""
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import billing_bench
import secret_store_bench
import containers_bench
import services_list_bench

BASE = sys.argv[1]
LOGINS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
THREADS = int(sys.argv[3]) if len(sys.argv) > 3 else 4
EMAIL, PASSWORD = "bench@example.com", "granite pelican sunrise 7781"


def client():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def call(opener, path, form):
    request = urllib.request.Request(
        BASE + path, data=urllib.parse.urlencode(form).encode(), headers={"Origin": BASE}, method="POST"
    )
    with opener.open(request) as response:
        return json.loads(response.read() or "null")


def totp(key, offset=0):
    at = f"@{int(time.time()) + offset}"
    return subprocess.run(["oathtool", "--totp", "-b", "--now", at, key], capture_output=True, text=True, check=True).stdout.strip()


admin = client()
call(admin, "/api/auth/setup", {"email": EMAIL, "display_name": "Bench", "password": PASSWORD, "confirm": PASSWORD})
key = call(admin, "/api/auth/enroll/start", {})["secret_base32"]
call(admin, "/api/auth/enroll/confirm", {"code": totp(key)})

latencies, lock = [], threading.Lock()


def worker(count):
    for _ in range(count):
        opener = client()
        start = time.perf_counter()
        call(opener, "/api/auth/login", {"email": EMAIL, "password": PASSWORD})
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)


started = time.perf_counter()
threads = [threading.Thread(target=worker, args=(LOGINS // THREADS,)) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
wall = time.perf_counter() - started

second = client()
call(second, "/api/auth/login", {"email": EMAIL, "password": PASSWORD})
start = time.perf_counter()
call(second, "/api/auth/verify", {"code": totp(key, 30)})
totp_ms = (time.perf_counter() - start) * 1000

latencies.sort()
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"  login password step ({len(latencies)} logins, {THREADS} threads): "
      f"p50 {p(0.50):.1f} ms, p99 {p(0.99):.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms")
print(f"  logins/s (password step, argon2id m=19 MiB t=2 p=1): {len(latencies) / wall:.1f}")
print(f"  TOTP step (one sign-in): {totp_ms:.1f} ms")

print("\n\033[1mSecrets\033[0m")
secret_store_bench.run(call, admin)

print("\n\033[1mBilling\033[0m (against the Stripe stand-in)")
billing_bench.run(call, admin, BASE)


def get(path):
    with admin.open(urllib.request.Request(BASE + path)) as response:
        return response.read()


get.opener = admin


print("\n\033[1mService list\033[0m")
services_list_bench.run(get, sys.argv[4])

print("\n\033[1mContainers\033[0m")
containers_bench.run(get, lambda path, form: call(admin, path, form), BASE, sys.argv[5], sys.argv[6])
