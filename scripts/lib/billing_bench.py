"""Billing figures against a running Gantry and the Stripe stand-in, for a signed-in admin whose
step-up is fresh: saving a plan with its Stripe sync, starting a checkout, webhook ingest
(signed deliveries accepted per second and their latency), and how long the worker takes from a
delivered event to Gantry's copy of the subscription (each event re-reads it from Stripe).
Called by login_bench.py with its `call` helper and the admin's session."""
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import stripe

SIGNING_KEY = "whsec_bench_signing_secret"
API_KEY = "sk_test_bench_key"
HERE = os.path.dirname(os.path.abspath(__file__))


def _pcts(samples):
    samples = sorted(samples)
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] * 1000
    return f"p50 {pick(0.50):.1f} ms, p99 {pick(0.99):.1f} ms"


def _post_json(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def _standin(base):
    process = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "stripe_standin.py"), "--port", "0",
         "--webhook-url", f"{base}/webhooks/stripe", "--webhook-secret", SIGNING_KEY],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return process, process.stdout.readline().strip().removeprefix("listening on ")


def _deliver(base, payload):
    timestamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", SIGNING_KEY)
    request = urllib.request.Request(f"{base}/webhooks/stripe", data=payload.encode(), headers={
        "Content-Type": "application/json", "Stripe-Signature": f"t={timestamp},v1={signature}"})
    with urllib.request.urlopen(request) as response:
        response.read()


def _ingest(base, count, threads):
    latencies, lock = [], threading.Lock()

    def worker(offset):
        for n in range(offset, count, threads):
            payload = json.dumps({"id": f"evt_bench_{n}", "object": "event", "type": "product.created",
                                  "created": int(time.time()), "livemode": False,
                                  "data": {"object": {"id": f"prod_bench_{n}", "object": "product"}}})
            start = time.perf_counter()
            _deliver(base, payload)
            with lock:
                latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies, time.perf_counter() - started


def _wait_until(check, timeout=60):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if check():
            return True
        time.sleep(0.005)
    return False


def run(call, admin, base):
    process, stripe_base = _standin(base)
    try:
        call(admin, "/api/billing/settings/save", {"form[api_base]": stripe_base, "form[grace_days]": "7",
                                                  "form[api_key]": API_KEY, "form[signing_key]": SIGNING_KEY})
        saves = []
        for n in range(20):
            start = time.perf_counter()
            call(admin, "/api/billing/plans/save", {"form[name]": f"Bench {n}", "form[currency]": "usd",
                                                   "form[monthly]": "10", "form[yearly]": "100"})
            saves.append(time.perf_counter() - start)
        print(f"  save a plan and sync it to Stripe (product + 2 prices, 20 plans): {_pcts(saves)}")

        page = call(admin, "/api/billing/customers/create", {"form[name]": "Bench Buyer", "form[email]": "buyer@example.com"})
        customer = page.rsplit("/", 1)[-1]
        plan = call(admin, "/api/billing/plans", {})["plans"][0]
        price = next(p["id"] for p in plan["prices"] if p["interval"] == "month")
        start = time.perf_counter()
        checkout = call(admin, "/api/billing/checkout", {"customer": customer, "price": price})
        print(f"  start a checkout (Stripe customer exists): {(time.perf_counter() - start) * 1000:.1f} ms")

        session = checkout.rsplit("/", 1)[-1]
        start = time.perf_counter()
        urllib.request.urlopen(urllib.request.Request(f"{checkout}/pay", data=b"", method="POST")).read()
        done = _wait_until(lambda: call(admin, "/api/billing/checkout/state", {"session": session})["status"] == "complete")
        print(f"  pay -> 3 signed webhooks -> subscription stored: {(time.perf_counter() - start) * 1000:.0f} ms"
              + ("" if done else " (timed out)"))

        latencies, wall = _ingest(base, 1000, 4)
        print(f"  webhook ingest, 1000 signed deliveries from 4 threads: {len(latencies) / wall:.0f}/s, {_pcts(latencies)}")
        _wait_until(lambda: call(admin, "/api/billing/events", {"filter[status]": "pending"})["pending"] == 0, timeout=120)

        made = json.loads(urllib.request.urlopen(f"{stripe_base}/_standin/events").read())["data"]
        sub = next(e for e in made if e["type"] == "customer.subscription.created")["data"]["object"]["id"]
        lags = []
        for n in range(50):
            status = "past_due" if n % 2 == 0 else "active"
            start = time.perf_counter()
            _post_json(f"{stripe_base}/_standin/subscriptions/{sub}/status", {"status": status})
            _wait_until(lambda: call(admin, "/api/billing/customers/get", {"id": customer})["subscriptions"][0]["status"] == status)
            lags.append(time.perf_counter() - start)
        print(f"  status change in Stripe -> delivered -> re-read -> stored (50 changes): {_pcts(lags)}, "
              f"mean {statistics.mean(lags) * 1000:.1f} ms")
    finally:
        process.terminate()
        process.wait()
