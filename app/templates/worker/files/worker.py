"""A background worker created by Gantry.

It runs `job()` every INTERVAL_SECONDS until it receives SIGTERM or SIGINT, then finishes the
run in progress and exits. A small HTTP server on PORT answers HEALTH_PATH with 200 while the
worker loop is alive and on time, and 503 otherwise.

Configuration, from the environment:
    INTERVAL_SECONDS  seconds between two runs (default 60)
    QUEUE_NAME        the queue the job works on (default "default")
    PORT              the health server's port (default 9000)
    HEALTH_PATH       the health endpoint (default /healthz; empty means the platform checks
                      the port over TCP, and /healthz is still served)
    LOG_LEVEL         DEBUG, INFO, WARNING or ERROR (default INFO)

`python worker.py --healthcheck` checks a running worker and exits 0 when it is healthy.
"""

import http.client
import http.server
import logging
import os
import signal
import socket
import sys
import threading
import time

INTERVAL_SECONDS = max(1, int(os.environ.get("INTERVAL_SECONDS", "60")))
QUEUE_NAME = os.environ.get("QUEUE_NAME", "default")
PORT = int(os.environ.get("PORT", "9000"))
HEALTH_PATH = os.environ.get("HEALTH_PATH", "/healthz")
HEALTH_ROUTE = HEALTH_PATH if HEALTH_PATH.startswith("/") else "/healthz"
# The loop counts as stuck when it has not finished a run for this long.
STALE_AFTER_SECONDS = 2 * INTERVAL_SECONDS + 60

log = logging.getLogger("worker")
stopping = threading.Event()
last_beat = time.monotonic()


def job(run: int) -> None:
    """One run of the periodic job: replace this with the real work."""
    log.info("run %d: processing queue %r", run, QUEUE_NAME)


def loop() -> None:
    global last_beat
    run = 0
    while not stopping.is_set():
        run += 1
        started = time.monotonic()
        try:
            job(run)
        except Exception:  # one failed run must not stop the worker
            log.exception("run %d failed", run)
        last_beat = time.monotonic()
        log.debug("run %d took %.3fs", run, last_beat - started)
        stopping.wait(INTERVAL_SECONDS)


def healthy() -> bool:
    return not stopping.is_set() and time.monotonic() - last_beat < STALE_AFTER_SECONDS


class HealthHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] != HEALTH_ROUTE:
            self.send_error(404)
            return
        ok = healthy()
        body = b"ok\n" if ok else b"unhealthy\n"
        self.send_response(200 if ok else 503)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # keep health checks out of the logs
        log.debug("health: " + format, *args)


def healthcheck() -> int:
    """Exit status for `--healthcheck`: 0 when the running worker is healthy."""
    try:
        if HEALTH_PATH == "":
            with socket.create_connection(("127.0.0.1", PORT), timeout=3):
                return 0
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=3)
        connection.request("GET", HEALTH_ROUTE)
        return 0 if connection.getresponse().status == 200 else 1
    except OSError:
        return 1


def main() -> int:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stdout,
    )

    def stop(signum: int, _frame) -> None:
        log.info("%s received: finishing the current run, then exiting", signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    server = http.server.ThreadingHTTPServer(("0.0.0.0", PORT), HealthHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    log.info(
        "worker started: queue %r every %ds, health on port %d at %s",
        QUEUE_NAME, INTERVAL_SECONDS, PORT, HEALTH_ROUTE,
    )

    loop()
    server.shutdown()
    log.info("worker stopped")
    return 0


if __name__ == "__main__":
    sys.exit(healthcheck() if sys.argv[1:] == ["--healthcheck"] else main())
