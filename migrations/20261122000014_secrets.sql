-- Secrets: one row per named secret in a scope (global, or a service and one of its
-- environments), every value in `secret_versions` as an envelope whose associated data binds it to
-- its secret id and version. Old versions beyond the configured count are pruned.
create table secrets (
    id uuid constraint secrets_pkey primary key,
    org_id uuid not null constraint secrets_org_fkey references organizations (id),
    name text not null
        constraint secrets_name_check check (name ~ '^[A-Z_][A-Z0-9_]*$' and length(name) <= 128),
    service_id uuid constraint secrets_service_fkey references services (id) on delete cascade,
    environment text constraint secrets_environment_check check (environment ~ '^[a-z][a-z0-9-]{0,31}$'),
    description text not null default ''
        constraint secrets_description_check check (length(description) <= 500),
    -- How a new value is made when the secret rotates; null: the value is typed in.
    generator text constraint secrets_generator_check check (generator in ('password32', 'hex64', 'uuid')),
    rotation_days integer constraint secrets_rotation_days_check check (rotation_days between 1 and 3650),
    current_version integer not null,
    value_changed_at timestamptz not null default now(),
    created_by uuid,
    created_by_label text not null,
    created_at timestamptz not null default now(),
    updated_by_label text not null,
    updated_at timestamptz not null default now(),
    constraint secrets_scope_check check ((service_id is null) = (environment is null))
);

create unique index secrets_scope_name_key
    on secrets (org_id, coalesce(service_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(environment, ''), name);

create table secret_versions (
    secret_id uuid not null constraint secret_versions_secret_fkey references secrets (id) on delete cascade,
    version integer not null constraint secret_versions_version_check check (version > 0),
    sealed bytea not null,
    origin text not null
        constraint secret_versions_origin_check
        check (origin in ('created', 'updated', 'rolled_back', 'rotated', 'imported')),
    rolled_back_from integer,
    created_by uuid,
    created_by_label text not null,
    created_at timestamptz not null default now(),
    constraint secret_versions_pkey primary key (secret_id, version)
);

-- Things other modules react to (a rotated secret triggers a redeploy, later). Written in the
-- transaction of the change and announced with NOTIFY gantry_events.
create table events (
    id bigint generated always as identity constraint events_pkey primary key,
    org_id uuid not null constraint events_org_fkey references organizations (id),
    topic text not null constraint events_topic_check check (topic ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    subject_id text not null,
    payload jsonb not null default '{}',
    created_at timestamptz not null default now()
);

create index events_topic_idx on events (topic, id);
