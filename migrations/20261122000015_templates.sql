-- The template catalog. Each version of a template is kept (manifest and source files), so a
-- service made from an older version can be shown the diff to the newest and upgraded.
create table templates (
    id text constraint templates_pkey primary key
        constraint templates_id_check check (id ~ '^[a-z][a-z0-9-]{1,39}$'),
    name text not null,
    description text not null default '',
    category text not null
        constraint templates_category_check check (category in ('web', 'api', 'worker', 'database', 'cache')),
    latest_version text not null,
    builtin boolean not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table template_versions (
    template_id text not null constraint template_versions_template_fkey references templates (id) on delete cascade,
    version text not null,
    manifest jsonb not null,
    -- Source files by path (text only), rendered with minijinja.
    files jsonb not null,
    created_at timestamptz not null default now(),
    constraint template_versions_pkey primary key (template_id, version)
);
