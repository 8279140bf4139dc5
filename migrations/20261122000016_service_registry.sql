-- The service registry: owner, tags, links and the template a service came from; per environment
-- its image or build, ports, plain variables, secret references, resources, replicas and health
-- check; a status history; and the creation wizard's drafts. `services.version` is the optimistic
-- lock: every update states the version it read and fails if another edit came first.
alter table services
    add column owner text not null default '',
    add column tags text[] not null default '{}',
    add column links jsonb not null default '[]',
    add column template_id text constraint services_template_fkey references templates (id),
    add column template_version text,
    add column parameters jsonb not null default '{}',
    add constraint services_slug_check check (slug ~ '^[a-z][a-z0-9-]{0,62}$');

create index services_org_name_idx on services (org_id, lower(name), id) where archived_at is null;
create index services_tags_idx on services using gin (tags);
create index services_template_idx on services (template_id) where template_id is not null;

create table service_environments (
    id uuid constraint service_environments_pkey primary key,
    service_id uuid not null constraint service_environments_service_fkey references services (id) on delete cascade,
    name text not null constraint service_environments_name_check check (name ~ '^[a-z][a-z0-9-]{0,31}$'),
    image text,
    build_context text,
    ports jsonb not null default '[]',
    env_vars jsonb not null default '{}',
    secret_refs jsonb not null default '{}',
    cpu_millis integer not null constraint service_environments_cpu_check check (cpu_millis between 10 and 64000),
    memory_mb integer not null constraint service_environments_memory_check check (memory_mb between 16 and 262144),
    replicas integer not null constraint service_environments_replicas_check check (replicas between 0 and 20),
    health_path text not null default '',
    health_interval_secs integer not null default 30
        constraint service_environments_health_interval_check check (health_interval_secs between 5 and 3600),
    status text not null default 'draft'
        constraint service_environments_status_check
        check (status in ('draft', 'provisioning', 'running', 'degraded', 'stopped', 'failed')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint service_environments_service_name_key unique (service_id, name)
);

create index service_environments_name_idx on service_environments (name, service_id);

create table service_status_history (
    id bigint generated always as identity constraint service_status_history_pkey primary key,
    service_id uuid not null constraint service_status_history_service_fkey references services (id) on delete cascade,
    environment text,
    status text not null,
    note text not null default '',
    at timestamptz not null default now()
);

create index service_status_history_service_idx on service_status_history (service_id, id desc);

-- What a service's repository holds: the files rendered at creation or upgrade.
create table service_files (
    service_id uuid not null constraint service_files_service_fkey references services (id) on delete cascade,
    path text not null,
    content text not null,
    constraint service_files_pkey primary key (service_id, path)
);

create table wizard_drafts (
    id uuid constraint wizard_drafts_pkey primary key,
    user_id uuid not null constraint wizard_drafts_user_fkey references users (id) on delete cascade,
    template_id text constraint wizard_drafts_template_fkey references templates (id) on delete set null,
    step integer not null default 1 constraint wizard_drafts_step_check check (step between 1 and 4),
    answers jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create index wizard_drafts_user_idx on wizard_drafts (user_id, updated_at desc);
