-- The core of the service registry; environments, configuration and history arrive with the
-- Services issue. Status values match the badges of the UI kit.
create table services (
    id uuid primary key,
    org_id uuid not null constraint services_org_fkey references organizations (id),
    slug text not null,
    name text not null,
    description text not null default '',
    status text not null default 'draft'
        constraint services_status_check
        check (status in ('draft', 'provisioning', 'running', 'degraded', 'stopped', 'failed')),
    version bigint not null default 1,
    archived_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint services_org_slug_key unique (org_id, slug)
);

create index services_org_status_idx on services (org_id, status) where archived_at is null;
