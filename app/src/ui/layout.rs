//! The frame around every page: sidebar navigation, top bar and the main content area.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::nav::{NavDrawer, NavLinks};
use super::theme::ThemeToggle;
use crate::auth::{is_sign_in_page, page_notice, signed_in_identity};
use crate::containers::EngineBanner;

/// Sidebar + top bar + main content; the sign-in pages get a narrow frame of their own.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    if is_sign_in_page(&use_location().pathname.get_untracked()) {
        return view! { <SignInFrame>{children()}</SignInFrame> }.into_any();
    }
    let identity = signed_in_identity();
    let notice = page_notice();
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm">
            "Skip to content"
        </a>
        <div class="min-h-screen lg:flex">
            <NavDrawer>
                <div class="flex h-16 shrink-0 items-center gap-2 px-5">
                    <span aria-hidden="true" class="grid h-8 w-8 place-items-center rounded-lg bg-indigo-600 text-sm font-bold text-white">"G"</span>
                    <span class="text-lg font-semibold tracking-tight">"Gantry"</span>
                </div>
                <nav aria-label="Main" class="flex-1 overflow-y-auto px-3 pb-6">
                    <NavLinks />
                </nav>
                <p class="border-t border-slate-200 px-5 py-3 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
                    {concat!("Gantry ", env!("CARGO_PKG_VERSION"))}
                </p>
            </NavDrawer>
            <div class="flex min-w-0 flex-1 flex-col">
                <header class="sticky top-0 z-10 flex h-16 items-center gap-3 border-b border-slate-200 bg-white/90 px-4 pl-16 backdrop-blur dark:border-slate-800 dark:bg-slate-900/90 sm:px-6 sm:pl-16 lg:pl-8">
                    <div class="min-w-0 flex-1">
                        <p class="truncate text-sm font-medium text-slate-700 dark:text-slate-200">"Default organisation"</p>
                    </div>
                    <ThemeToggle />
                    {identity.map(|(name, email)| view! { <UserMenu name email /> })}
                </header>
                <main id="main" class="flex-1 px-4 py-6 sm:px-6 lg:px-8">
                    <div class="mx-auto max-w-6xl">
                        <EngineBanner />
                        <crate::billing::BillingBanner />
                        {notice.map(|notice| view! {
                            <p role="status" data-testid="notice" class="mb-6 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
                                {notice}
                            </p>
                        })}
                        {children()}
                    </div>
                </main>
            </div>
        </div>
    }
    .into_any()
}

/// The signed-in user, a link to their Security page and the sign-out button (a plain form:
/// it works before any script runs).
#[component]
fn UserMenu(name: String, email: String) -> impl IntoView {
    view! {
        <a href="/account" title=email class="hidden max-w-48 truncate text-sm font-medium text-slate-700 hover:text-indigo-600 dark:text-slate-200 sm:block" data-testid="user-name">
            {name}
        </a>
        <form method="post" action="/api/auth/logout">
            <button type="submit" data-testid="sign-out" class="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800">
                "Sign out"
            </button>
        </form>
    }
}

/// The frame of the sign-in pages: the brand and one card.
#[component]
fn SignInFrame(children: Children) -> impl IntoView {
    view! {
        <main id="main" class="flex min-h-screen flex-col items-center justify-center px-4 py-10">
            <div class="mb-6 flex items-center gap-2">
                <span aria-hidden="true" class="grid h-9 w-9 place-items-center rounded-lg bg-indigo-600 font-bold text-white">"G"</span>
                <span class="text-xl font-semibold tracking-tight">"Gantry"</span>
            </div>
            <div class="w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900 sm:p-8">
                {children()}
            </div>
            <div class="mt-4"><ThemeToggle /></div>
        </main>
    }
}
