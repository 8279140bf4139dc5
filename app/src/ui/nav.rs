//! The product's modules as the navigation shows them, and the mobile navigation drawer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::form::hydrated;
use super::icon::Icon;

/// Every module of the product, in navigation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    Dashboard,
    Services,
    Templates,
    Containers,
    Secrets,
    Integrations,
    Monitoring,
    Billing,
    Audit,
    Settings,
}

impl Module {
    pub const ALL: [Module; 10] = [
        Module::Dashboard,
        Module::Services,
        Module::Templates,
        Module::Containers,
        Module::Secrets,
        Module::Integrations,
        Module::Monitoring,
        Module::Billing,
        Module::Audit,
        Module::Settings,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Module::Dashboard => "Dashboard",
            Module::Services => "Services",
            Module::Templates => "Templates",
            Module::Containers => "Containers",
            Module::Secrets => "Secrets",
            Module::Integrations => "Integrations",
            Module::Monitoring => "Monitoring",
            Module::Billing => "Billing",
            Module::Audit => "Audit log",
            Module::Settings => "Settings",
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Module::Dashboard => "/",
            Module::Services => "/services",
            Module::Templates => "/templates",
            Module::Containers => "/containers",
            Module::Secrets => "/secrets",
            Module::Integrations => "/integrations",
            Module::Monitoring => "/monitoring",
            Module::Billing => "/billing",
            Module::Audit => "/audit",
            Module::Settings => "/settings",
        }
    }

    /// One sentence on what the module is for, shown where the module has no page yet.
    pub fn summary(self) -> &'static str {
        match self {
            Module::Dashboard => "Where everything the business runs stands, at a glance.",
            Module::Services => {
                "The registry of every service the business runs, with its environments, configuration and history."
            }
            Module::Templates => "A catalog of typed templates that a wizard turns into new, ready-to-deploy services.",
            Module::Containers => {
                "Deploy services as Docker containers and operate them: logs, stats, exec and rollbacks."
            }
            Module::Secrets => {
                "Credentials encrypted at rest with versions, rotation policies and an audit trail of every read."
            }
            Module::Integrations => "Stripe, Slack, SMTP and webhooks, wired once and health-checked.",
            Module::Monitoring => "Health checks, uptime history and alerts that reach the right person.",
            Module::Billing => "Plans, Stripe Checkout and the customer portal, with plan limits enforced.",
            Module::Audit => "Every change anyone makes, with who, when, from where and why.",
            Module::Settings => "The panel's own configuration: engine connection, keys, users and more.",
        }
    }

    /// True when `path` belongs to this module (the dashboard only matches `/` itself).
    pub fn owns(self, path: &str) -> bool {
        match self {
            Module::Dashboard => path == "/",
            other => {
                let base = other.path();
                path == base || path.starts_with(&format!("{base}/"))
            }
        }
    }
}

/// The navigation links, rendered on the server with the current page marked.
#[component]
pub fn NavLinks() -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    let links = Module::ALL
        .into_iter()
        .map(|module| {
            let current = module.owns(&path);
            let class = if current {
                "group flex items-center gap-3 rounded-md px-3 py-2 text-sm font-semibold bg-slate-100 text-indigo-700 dark:bg-slate-800 dark:text-indigo-300"
            } else {
                "group flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
            };
            view! {
                <li>
                    <a href=module.path() class=class aria-current=current.then_some("page")>
                        <Icon module=module />
                        {module.label()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! { <ul role="list" class="space-y-1">{links}</ul> }
}

/// The sidebar. On wide screens it is always shown; on phones a button in the top bar opens it
/// as a drawer. The links come in as server-rendered children: only the open/close state is WASM.
#[island]
pub fn NavDrawer(children: Children) -> impl IntoView {
    let open = RwSignal::new(false);
    let ready = hydrated();
    let _escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    });
    view! {
        <button
            type="button"
            data-testid="nav-toggle"
            data-ready=move || ready.get().to_string()
            aria-controls="main-nav"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)
            class="fixed left-3 top-3 z-40 inline-flex h-10 w-10 items-center justify-center rounded-md text-slate-700 hover:bg-slate-200 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-200 dark:hover:bg-slate-800 lg:hidden"
        >
            <span class="sr-only">{move || if open.get() { "Close navigation" } else { "Open navigation" }}</span>
            <svg aria-hidden="true" viewBox="0 0 24 24" class="h-6 w-6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
                <path d=move || if open.get() { "M6 6l12 12M18 6L6 18" } else { "M4 6h16M4 12h16M4 18h16" } />
            </svg>
        </button>
        <div
            class=move || if open.get() { "fixed inset-0 z-20 bg-slate-900/40 lg:hidden" } else { "hidden" }
            on:click=move |_| open.set(false)
        ></div>
        <aside
            id="main-nav"
            class=move || {
                let shown = if open.get() { "flex" } else { "hidden lg:flex" };
                format!("{shown} fixed inset-y-0 left-0 z-30 w-64 flex-col border-r border-slate-200 bg-white pt-16 dark:border-slate-800 dark:bg-slate-900 lg:sticky lg:top-0 lg:h-screen lg:pt-0")
            }
        >
            {children()}
        </aside>
    }
}
