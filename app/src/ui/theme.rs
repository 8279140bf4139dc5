//! Dark mode: follows the system setting until the user picks a theme with the toggle.

use leptos::prelude::*;

use super::form::hydrated;

/// Runs in `<head>` before the first paint: applies the saved theme, else the system's, and keeps
/// following the system while the user has not chosen.
pub const THEME_BOOT_SCRIPT: &str = "(function(){var k='gantry-theme',m=window.matchMedia('(prefers-color-scheme: dark)');function a(){var t=null;try{t=localStorage.getItem(k)}catch(e){}document.documentElement.classList.toggle('dark',t?t==='dark':m.matches)}a();m.addEventListener('change',a)})()";

const STORAGE_KEY: &str = "gantry-theme";

fn is_dark_now() -> bool {
    document()
        .document_element()
        .map(|root| root.class_list().contains("dark"))
        .unwrap_or(false)
}

fn apply(dark: bool) {
    if let Some(root) = document().document_element() {
        let _ = root.class_list().toggle_with_force("dark", dark);
    }
    if let Ok(Some(storage)) = window().local_storage() {
        let _ = storage.set_item(STORAGE_KEY, if dark { "dark" } else { "light" });
    }
}

/// Switches between light and dark and remembers the choice in this browser. The icon follows
/// the `dark` class through CSS, so it is right before hydration too.
#[island]
pub fn ThemeToggle() -> impl IntoView {
    let ready = hydrated();
    view! {
        <button
            type="button"
            data-testid="theme-toggle"
            data-ready=move || ready.get().to_string()
            on:click=move |_| apply(!is_dark_now())
            title="Switch between light and dark mode"
            class="inline-flex h-9 w-9 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
        >
            <span class="sr-only">"Switch between light and dark mode"</span>
            <svg aria-hidden="true" viewBox="0 0 24 24" class="h-5 w-5 dark:hidden" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round">
                <path d="M20 14.5A8 8 0 019.5 4 8 8 0 1020 14.5z" />
            </svg>
            <svg aria-hidden="true" viewBox="0 0 24 24" class="hidden h-5 w-5 dark:block" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round">
                <path d="M12 4V2M12 22v-2M4 12H2M22 12h-2M5.6 5.6L4.2 4.2M19.8 19.8l-1.4-1.4M5.6 18.4l-1.4 1.4M19.8 4.2l-1.4 1.4M12 8a4 4 0 100 8 4 4 0 000-8z" />
            </svg>
        </button>
    }
}
