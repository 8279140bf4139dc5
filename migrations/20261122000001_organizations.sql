-- Tenancy from day one: every tenant-owned row carries an org_id. One default organisation for now.
create table organizations (
    id uuid primary key,
    slug text not null constraint organizations_slug_key unique,
    name text not null,
    created_at timestamptz not null default now()
);

insert into organizations (id, slug, name)
values ('00000000-0000-0000-0000-000000000001', 'default', 'Default organisation');
