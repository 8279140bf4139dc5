//! One button for the actions that call the server and then show the page again: retrying a
//! plan's Stripe sync, replaying a webhook event, re-reading a customer from Stripe.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{reload_page, SECONDARY};
use crate::billing::api::{refresh_customer, replay_stripe_event, sync_plan};
use crate::ui::form::hydrated;

/// What the button does to its row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowAction {
    RetrySync,
    ReplayEvent,
    RefreshCustomer,
}

impl RowAction {
    fn labels(self) -> (&'static str, &'static str, &'static str) {
        match self {
            RowAction::RetrySync => ("Retry sync", "Syncing…", "retry-sync"),
            RowAction::ReplayEvent => ("Replay", "Replaying…", "replay-event"),
            RowAction::RefreshCustomer => ("Refresh from Stripe", "Asking Stripe…", "refresh-customer"),
        }
    }
}

/// Runs `action` on the row `id`; reloads the page when it worked, says why when not.
#[island]
pub fn RowActionButton(action: RowAction, id: String) -> impl IntoView {
    let (label, busy, test_id) = action.labels();
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let ready = hydrated();
    let run = move |_| {
        let id = id.clone();
        pending.set(true);
        leptos::task::spawn_local(async move {
            let outcome = match action {
                RowAction::RetrySync => sync_plan(id).await.map(|_| ()),
                RowAction::ReplayEvent => replay_stripe_event(id).await.map(|_| ()),
                RowAction::RefreshCustomer => refresh_customer(id).await.map(|_| ()),
            };
            pending.set(false);
            match outcome {
                Ok(()) => reload_page(),
                Err(error) => failure.set(Some(error.to_string())),
            }
        });
    };
    view! {
        <span class="inline-flex flex-col items-end gap-1" data-ready=move || ready.get().to_string()>
            <button type="button" class=SECONDARY data-testid=test_id disabled=move || pending.get() on:click=run>
                {move || if pending.get() { busy } else { label }}
            </button>
            {move || failure.get().map(|message| view! {
                <span role="alert" class="text-xs text-red-600 dark:text-red-400">{message}</span>
            })}
        </span>
    }
}
