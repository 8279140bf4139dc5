-- Billing: the business sells plans to its own customers through Stripe. Gantry keeps its own copy
-- of plans, prices, customers, subscriptions and invoices, converged from Stripe's webhooks (the
-- inbox `stripe_events`) and from re-reading Stripe's objects. Money is integer minor units with a
-- currency, always. No card data is ever stored: payment happens on Stripe's pages.

-- The Stripe connection of an organisation (its keys live in Secrets, encrypted).
create table billing_settings (
    org_id uuid constraint billing_settings_pkey primary key
        constraint billing_settings_org_fkey references organizations (id),
    api_base text not null default 'https://api.stripe.com'
        constraint billing_settings_api_base_check check (api_base ~ '^https?://[^/\s]+(/[^\s]*)?$'),
    -- Days a past_due subscription may keep creating services and containers.
    grace_days integer not null default 7 constraint billing_settings_grace_days_check check (grace_days between 0 and 90),
    account_id text,
    account_name text,
    checked_at timestamptz,
    updated_at timestamptz not null default now()
);

insert into billing_settings (org_id) values ('00000000-0000-0000-0000-000000000001');

create table billing_plans (
    id uuid constraint billing_plans_pkey primary key,
    org_id uuid not null constraint billing_plans_org_fkey references organizations (id),
    slug text not null constraint billing_plans_slug_check check (slug ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    name text not null constraint billing_plans_name_check check (length(name) between 1 and 80),
    description text not null default '' constraint billing_plans_description_check check (length(description) <= 500),
    trial_days integer not null default 0 constraint billing_plans_trial_days_check check (trial_days between 0 and 365),
    -- What the plan allows: {"services": 3, "containers": 10, ...}; a key that is absent is unlimited.
    limits jsonb not null default '{}' constraint billing_plans_limits_check check (jsonb_typeof(limits) = 'object'),
    archived_at timestamptz,
    stripe_product_id text constraint billing_plans_stripe_product_key unique,
    -- Whether Stripe has the plan as saved here: pending (not yet pushed), synced, failed.
    sync_status text not null default 'pending'
        constraint billing_plans_sync_status_check check (sync_status in ('pending', 'synced', 'failed')),
    sync_error text,
    synced_at timestamptz,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint billing_plans_org_slug_key unique (org_id, slug)
);

-- Stripe prices are immutable: a changed amount is a new row (and a new Stripe Price); the old one
-- is archived but kept, because subscriptions may still be on it.
create table billing_prices (
    id uuid constraint billing_prices_pkey primary key,
    plan_id uuid not null constraint billing_prices_plan_fkey references billing_plans (id) on delete cascade,
    interval text not null constraint billing_prices_interval_check check (interval in ('month', 'year')),
    currency text not null constraint billing_prices_currency_check check (currency ~ '^[a-z]{3}$'),
    unit_amount bigint not null constraint billing_prices_unit_amount_check check (unit_amount between 0 and 99999999),
    active boolean not null default true,
    stripe_price_id text constraint billing_prices_stripe_price_key unique,
    -- Whether the Stripe Price is active there (an archived row is archived in Stripe by the next sync).
    stripe_active boolean not null default false,
    created_at timestamptz not null default now(),
    archived_at timestamptz
);

create unique index billing_prices_one_active_idx on billing_prices (plan_id, interval) where active;

create table billing_customers (
    id uuid constraint billing_customers_pkey primary key,
    org_id uuid not null constraint billing_customers_org_fkey references organizations (id),
    name text not null constraint billing_customers_name_check check (length(name) between 1 and 120),
    email text not null constraint billing_customers_email_check check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    company text not null default '' constraint billing_customers_company_check check (length(company) <= 120),
    stripe_customer_id text constraint billing_customers_stripe_customer_key unique,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create unique index billing_customers_email_key on billing_customers (org_id, lower(email));

-- The customer whose plan limits this organisation (null: the organisation is not metered).
alter table organizations add column customer_id uuid
    constraint organizations_customer_fkey references billing_customers (id) on delete set null;

create table billing_subscriptions (
    stripe_subscription_id text constraint billing_subscriptions_pkey primary key,
    customer_id uuid not null constraint billing_subscriptions_customer_fkey references billing_customers (id),
    plan_id uuid constraint billing_subscriptions_plan_fkey references billing_plans (id),
    stripe_price_id text,
    status text not null constraint billing_subscriptions_status_check
        check (status in ('incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused')),
    current_period_end timestamptz,
    cancel_at_period_end boolean not null default false,
    trial_end timestamptz,
    -- When the subscription first went past_due in its current run of failed payments.
    past_due_since timestamptz,
    canceled_at timestamptz,
    stripe_created timestamptz not null,
    -- When Gantry last read the subscription from Stripe.
    synced_at timestamptz not null default now()
);

create index billing_subscriptions_customer_idx on billing_subscriptions (customer_id, stripe_created desc);

create table billing_invoices (
    stripe_invoice_id text constraint billing_invoices_pkey primary key,
    customer_id uuid not null constraint billing_invoices_customer_fkey references billing_customers (id),
    stripe_subscription_id text,
    number text,
    status text not null,
    amount_due bigint not null,
    amount_paid bigint not null,
    currency text not null,
    hosted_invoice_url text,
    stripe_created timestamptz not null,
    synced_at timestamptz not null default now()
);

create index billing_invoices_customer_idx on billing_invoices (customer_id, stripe_created desc);

-- Checkout sessions Gantry started; the success page shows their state as the webhooks set it.
create table billing_checkouts (
    stripe_session_id text constraint billing_checkouts_pkey primary key,
    customer_id uuid not null constraint billing_checkouts_customer_fkey references billing_customers (id),
    plan_id uuid not null constraint billing_checkouts_plan_fkey references billing_plans (id),
    price_id uuid not null constraint billing_checkouts_price_fkey references billing_prices (id),
    status text not null default 'open' constraint billing_checkouts_status_check check (status in ('open', 'complete', 'expired')),
    stripe_subscription_id text,
    created_by_label text not null,
    created_at timestamptz not null default now(),
    completed_at timestamptz
);

-- The webhook inbox: every event Stripe delivered, once (its id is the key), processed in a
-- transaction, retried with back-off until it succeeds or is given up on (failed, replayable).
create table stripe_events (
    id text constraint stripe_events_pkey primary key,
    org_id uuid not null constraint stripe_events_org_fkey references organizations (id),
    type text not null,
    stripe_created timestamptz not null,
    livemode boolean not null,
    payload jsonb not null,
    status text not null default 'pending'
        constraint stripe_events_status_check check (status in ('pending', 'processed', 'ignored', 'failed')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    deliveries integer not null default 1,
    received_at timestamptz not null default now(),
    processed_at timestamptz
);

create index stripe_events_due_idx on stripe_events (next_attempt_at) where status = 'pending';
create index stripe_events_received_idx on stripe_events (received_at desc);
