-- Envelope encryption. Root keys live outside the database; here only their ids and a check value
-- sealed with each, so a wrong key is caught at start-up. Data keys (one per scope: `global`,
-- `service:<id>:<environment>`, `system:totp`) are stored wrapped by the active root key. The
-- single-value check of the first sign-in issue is replaced by the root keys' own checks.
create table root_keys (
    id text constraint root_keys_pkey primary key,
    status text not null constraint root_keys_status_check check (status in ('active', 'retired')),
    check_sealed bytea not null,
    created_at timestamptz not null default now(),
    retired_at timestamptz,
    constraint root_keys_retired_check check ((status = 'retired') = (retired_at is not null))
);

create unique index root_keys_one_active_idx on root_keys ((true)) where status = 'active';

create table data_keys (
    id uuid constraint data_keys_pkey primary key,
    scope text not null constraint data_keys_scope_key unique,
    root_key_id text not null constraint data_keys_root_key_fkey references root_keys (id),
    wrapped bytea not null,
    created_at timestamptz not null default now(),
    rewrapped_at timestamptz
);

drop table master_key_check;

-- TOTP seeds become envelopes under the `system:totp` data key (associated data binds each to its
-- user). The earlier single-key sealing never shipped in a release, so there is nothing to convert.
