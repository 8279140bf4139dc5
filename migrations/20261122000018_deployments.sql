-- Deployments of a service environment onto the Docker engine, and the service events the engine
-- reports (crashes, OOM kills, restart loops) next to Gantry's own (deployed, rolled back).
-- A deployment keeps everything needed to repeat it: the image it ran and a snapshot of the
-- configuration (secret references by name only, never values).
create table deployments (
    id uuid constraint deployments_pkey primary key,
    service_id uuid not null constraint deployments_service_fkey references services (id) on delete cascade,
    environment text not null,
    status text not null default 'queued'
        constraint deployments_status_check
        check (status in ('queued', 'building', 'starting', 'checking', 'succeeded', 'failed')),
    source text not null constraint deployments_source_check check (source in ('build', 'image', 'rollback')),
    rollback_of uuid constraint deployments_rollback_fkey references deployments (id) on delete set null,
    image_ref text,
    image_id text,
    config jsonb not null,
    log text not null default '',
    error text,
    container_ids text[] not null default '{}',
    started_by uuid constraint deployments_user_fkey references users (id) on delete set null,
    started_by_label text not null,
    created_at timestamptz not null default now(),
    finished_at timestamptz
);

create index deployments_service_idx on deployments (service_id, environment, created_at desc);
-- One deploy at a time per environment: a second one is refused, not queued behind it.
create unique index deployments_one_active_idx on deployments (service_id, environment)
    where status in ('queued', 'building', 'starting', 'checking');

create table service_events (
    id bigint generated always as identity constraint service_events_pkey primary key,
    service_id uuid not null constraint service_events_service_fkey references services (id) on delete cascade,
    environment text,
    kind text not null constraint service_events_kind_check
        check (kind in ('crash', 'oom', 'restart_loop', 'stopped', 'started', 'deployed', 'deploy_failed', 'rolled_back')),
    container_id text,
    exit_code integer,
    message text not null default '',
    at timestamptz not null default now()
);

create index service_events_service_idx on service_events (service_id, id desc);
