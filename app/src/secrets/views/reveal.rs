//! Reveal and copy: a value leaves the server only after a fresh authenticator code, is shown for
//! 30 seconds (or copied without being shown), and every time leaves a `secret.read` audit entry.

use std::time::Duration;

use leptos::prelude::*;

use super::SECONDARY;
use crate::auth::StepUpPrompt;
use crate::error::AppError;
use crate::secrets::api::reveal_secret;
use crate::secrets::types::REVEAL_SECONDS;
use crate::ui::form::hydrated;

#[island]
pub fn RevealValue(id: String, version: Option<i32>) -> impl IntoView {
    let ready = hydrated();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let shown = RwSignal::new(None::<String>);
    let left = RwSignal::new(0u32);
    let copied = RwSignal::new(false);
    let needs_step_up = RwSignal::new(None::<bool>);
    let reason = RwSignal::new(String::new());
    let generation = StoredValue::new(0u32);
    let id = StoredValue::new(id);

    let request = move |copy: bool| {
        pending.set(true);
        error.set(None);
        copied.set(false);
        let reason = reason.get_untracked();
        leptos::task::spawn_local(async move {
            let result = reveal_secret(id.get_value(), version, copy, reason).await;
            pending.set(false);
            match result {
                Ok(text) if copy => {
                    let _ = window().navigator().clipboard().write_text(&text.0);
                    copied.set(true);
                }
                Ok(text) => {
                    shown.set(Some(text.0));
                    left.set(REVEAL_SECONDS);
                    generation.update_value(|g| *g += 1);
                    count_down(left, shown, generation, generation.get_value());
                }
                Err(AppError::StepUpRequired) => needs_step_up.set(Some(copy)),
                Err(other) => error.set(Some(other.to_string())),
            }
        });
    };
    let hide = move |_| {
        generation.update_value(|g| *g += 1);
        shown.set(None);
    };

    view! {
        <div class="space-y-3" data-testid="reveal" data-ready=move || ready.get().to_string()>
            {move || needs_step_up.get().map(|copy| view! {
                <StepUpPrompt on_confirmed=Callback::new(move |_| { needs_step_up.set(None); request(copy); }) />
            })}
            {move || error.get().map(|message| view! {
                <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">{message}</p>
            })}
            {move || match shown.get() {
                Some(value) => view! {
                    <div class="rounded-lg border border-amber-300 bg-amber-50 p-3 dark:border-amber-800 dark:bg-amber-950/40">
                        <pre data-testid="revealed-value" class="max-h-64 overflow-auto whitespace-pre-wrap break-all font-mono text-sm">{value}</pre>
                        <div class="mt-2 flex items-center justify-between text-xs text-amber-800 dark:text-amber-300">
                            <span aria-live="polite">{move || format!("Hidden again in {} s", left.get())}</span>
                            <button type="button" class="font-semibold underline" on:click=hide>"Hide now"</button>
                        </div>
                    </div>
                }.into_any(),
                None => view! {
                    <div class="flex flex-wrap items-end gap-3">
                        <div class="min-w-48 flex-1">
                            <label for="reveal-reason" class="block text-xs font-medium text-slate-600 dark:text-slate-400">"Why (optional, kept in the audit log)"</label>
                            <input id="reveal-reason" maxlength="200" class="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950" on:input=move |ev| reason.set(event_target_value(&ev)) />
                        </div>
                        <button type="button" class=SECONDARY data-testid="reveal-button" disabled=move || pending.get() on:click=move |_| request(false)>
                            {move || if pending.get() { "Decrypting…" } else { "Reveal" }}
                        </button>
                        <button type="button" class=SECONDARY data-testid="copy-button" disabled=move || pending.get() on:click=move |_| request(true)>
                            {move || if copied.get() { "Copied" } else { "Copy without showing" }}
                        </button>
                    </div>
                }.into_any(),
            }}
        </div>
    }
}

/// Ticks the countdown once a second and hides the value at zero, unless a newer reveal (or
/// "Hide now") started another generation.
fn count_down(left: RwSignal<u32>, shown: RwSignal<Option<String>>, generation: StoredValue<u32>, mine: u32) {
    set_timeout(
        move || {
            if generation.get_value() != mine {
                return;
            }
            let now = left.get_untracked().saturating_sub(1);
            left.set(now);
            if now == 0 {
                shown.set(None);
            } else {
                count_down(left, shown, generation, mine);
            }
        },
        Duration::from_secs(1),
    );
}
