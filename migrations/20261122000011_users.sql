-- Users and everything sign-in needs: recovery codes, signed-in sessions, login history and the
-- brute-force throttle. Emails are unique case-insensitively.
create table users (
    id uuid primary key,
    org_id uuid not null constraint users_org_fkey references organizations (id),
    email text not null,
    display_name text not null,
    password_hash text not null,
    role text not null default 'admin'
        constraint users_role_check check (role in ('admin', 'operator', 'viewer', 'billing')),
    -- AES-256-GCM sealed TOTP seed (associated data binds it to this user's id).
    totp_secret bytea,
    totp_enabled_at timestamptz,
    -- The last accepted TOTP time step: a code of this step or older is refused (replay).
    totp_last_step bigint,
    recovery_used_at timestamptz,
    password_changed_at timestamptz not null default now(),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create unique index users_email_key on users (lower(email));

create table recovery_codes (
    id bigint generated always as identity primary key,
    user_id uuid not null constraint recovery_codes_user_fkey references users (id) on delete cascade,
    code_hash bytea not null,
    used_at timestamptz,
    created_at timestamptz not null default now()
);

create index recovery_codes_user_idx on recovery_codes (user_id);

-- One row per signed-in browser; the tower-sessions cookie session points at it. Deleting the
-- row signs that browser out on its next request.
create table user_sessions (
    id uuid primary key,
    user_id uuid not null constraint user_sessions_user_fkey references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    mfa_at timestamptz not null,
    ip text,
    user_agent text
);

create index user_sessions_user_idx on user_sessions (user_id);

create table login_attempts (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    email text not null,
    user_id uuid constraint login_attempts_user_fkey references users (id) on delete set null,
    step text not null constraint login_attempts_step_check check (step in ('password', 'totp', 'recovery')),
    success boolean not null,
    -- Why it failed, for administrators only; never shown to the person signing in.
    reason text not null,
    ip text,
    user_agent text
);

create index login_attempts_user_idx on login_attempts (user_id, at desc);

-- Failure counters per account (by the email typed, existing or not) and per client address.
create table auth_throttle (
    key text primary key,
    failures integer not null default 0,
    last_failure_at timestamptz not null default now(),
    blocked_until timestamptz
);
