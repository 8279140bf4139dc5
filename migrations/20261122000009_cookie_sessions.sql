-- The table of tower-sessions' PostgreSQL store (cookie sessions), created here so that one
-- migration history owns the whole schema, test databases included.
create schema if not exists tower_sessions;

create table if not exists tower_sessions.session (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);

create index session_expiry_idx on tower_sessions.session (expiry_date);
