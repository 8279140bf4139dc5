-- The audit log: who did what, when, from where. Append-only and hash-chained: each row stores
-- the previous row's hash and SHA-256(prev_hash || canonical bytes of the row), computed by the
-- app (app/src/audit/server/hash.rs), so an edited or deleted row shows up when the chain is
-- verified. The trigger below refuses UPDATE and DELETE outright.
create table audit_log (
    id bigint generated always as identity constraint audit_log_pkey primary key,
    at timestamptz not null,
    org_id uuid not null constraint audit_log_org_fkey references organizations (id),
    -- Null for the system and for anonymous requests; no foreign key, so rows outlive users.
    actor_id uuid,
    actor_label text not null constraint audit_log_actor_label_check check (actor_label <> ''),
    action text not null
        constraint audit_log_action_check
        check (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    object_type text not null constraint audit_log_object_type_check check (object_type <> ''),
    object_id text,
    ip text,
    user_agent text,
    request_id text,
    detail jsonb not null default '{}',
    -- Unique: two rows linking to the same predecessor would fork the chain.
    prev_hash bytea not null
        constraint audit_log_prev_hash_check check (octet_length(prev_hash) = 32)
        constraint audit_log_prev_hash_key unique,
    hash bytea not null constraint audit_log_hash_check check (octet_length(hash) = 32)
);

create index audit_log_at_idx on audit_log (at);
create index audit_log_actor_label_idx on audit_log (actor_label);
create index audit_log_action_idx on audit_log (action text_pattern_ops);
create index audit_log_object_idx on audit_log (object_type, object_id);

create function audit_log_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_log_append_only
    before update or delete on audit_log
    for each row execute function audit_log_append_only();

-- TRUNCATE skips row triggers; refuse it with a statement trigger of its own.
create trigger audit_log_no_truncate
    before truncate on audit_log
    for each statement execute function audit_log_append_only();
