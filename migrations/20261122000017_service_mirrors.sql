-- A service's optional remote mirror: after every commit to its repository, `main` is pushed to
-- this URL. The token is not here: `token_secret` names a secret in Secrets (the service's
-- production scope or the global scope), resolved at push time.
create table service_mirrors (
    service_id uuid constraint service_mirrors_pkey primary key
        constraint service_mirrors_service_fkey references services (id) on delete cascade,
    url text not null constraint service_mirrors_url_check check (url ~ '^https?://'),
    username text not null default '',
    token_secret text,
    last_push_at timestamptz,
    last_push_ok boolean,
    last_error text,
    updated_at timestamptz not null default now()
);
