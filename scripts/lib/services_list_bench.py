"""Service list figures against a running Gantry: 1,000 services (each with production and
staging) are inserted straight into its database, then the `/services` page is fetched as a
signed-in admin, plain and with each filter, and its latency percentiles printed.
Called by login_bench.py with the admin's session; argv[4] is the database URL."""
import subprocess
import time

SERVICES = 1000
STATUSES = ["draft", "provisioning", "running", "degraded", "stopped", "failed"]


def seed(database_url):
    sql = f"""
    insert into services (id, org_id, slug, name, description, status, owner, tags)
    select gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'bench-' || n, 'Bench service ' || n,
           'Seeded for the list bench', (array{STATUSES})[1 + n % 6], 'team-' || (n % 7),
           array['tier-' || (n % 3), 'bench']
    from generate_series(1, {SERVICES}) as n;
    insert into service_environments (id, service_id, name, cpu_millis, memory_mb, replicas, status)
    select gen_random_uuid(), s.id, e.name, 250, 256, 1, s.status
    from services s cross join (values ('production'), ('staging')) as e(name) where s.slug like 'bench-%';
    analyze services; analyze service_environments;
    """
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", database_url, "-c", sql], check=True)


def run(get, database_url, rounds=100):
    seed(database_url)
    cases = {
        "first page": "/services",
        "search text": "/services?q=service+77",
        "status filter": "/services?status=running",
        "tag + environment": "/services?tag=tier-1&environment=staging",
        "page 20, by name": "/services?sort=name&page=20",
    }
    for label, path in cases.items():
        get(path)
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            get(path)
            samples.append(time.perf_counter() - start)
        samples.sort()
        pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] * 1000
        print(f"  /services at {SERVICES} services, {label} ({rounds} loads): p50 {pick(0.50):.1f} ms, p95 {pick(0.95):.1f} ms")
