-- A value sealed with the master key when the database is first used, so that starting Gantry
-- with a different key fails with a clear message instead of failing later on every secret.
create table master_key_check (
    singleton boolean primary key default true constraint master_key_check_singleton check (singleton),
    sealed bytea not null,
    created_at timestamptz not null default now()
);
