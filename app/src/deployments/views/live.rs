//! The live part of a deployment's page: a four-step progress bar and the log, appended as the
//! deployment writes it (polled every 400 ms until it finishes).

use std::time::Duration;

use leptos::prelude::*;

use crate::deployments::api::deployment_progress;
use crate::deployments::types::DeployStatus;
use crate::ui::form::hydrated;

const STEPS: [DeployStatus; 4] = [
    DeployStatus::Building,
    DeployStatus::Starting,
    DeployStatus::Checking,
    DeployStatus::Succeeded,
];

#[island]
pub fn LiveDeployment(id: String, status: DeployStatus, log: String, error: Option<String>) -> impl IntoView {
    let ready = hydrated();
    let status = RwSignal::new(status);
    let offset = RwSignal::new(log.chars().count());
    let log = RwSignal::new(log);
    let error = RwSignal::new(error);
    let in_flight = RwSignal::new(false);
    let poll = move || {
        if status.get_untracked().is_finished() || in_flight.get_untracked() {
            return;
        }
        in_flight.set(true);
        let id = id.clone();
        leptos::task::spawn_local(async move {
            if let Ok(progress) = deployment_progress(id, offset.get_untracked()).await {
                if !progress.log.is_empty() {
                    log.update(|log| log.push_str(&progress.log));
                }
                offset.set(progress.offset);
                error.set(progress.error);
                status.set(progress.status);
            }
            in_flight.set(false);
        });
    };
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(poll.clone(), Duration::from_millis(400)) {
            Effect::new(move |_| {
                if status.get().is_finished() {
                    handle.clear();
                }
            });
        }
    });
    let step_class = move |step: DeployStatus| {
        let now = status.get();
        let failed = now == DeployStatus::Failed;
        if now.step() > step.step() || (now == step && now == DeployStatus::Succeeded) {
            "bg-emerald-500"
        } else if now.step() == step.step() && failed {
            "bg-red-500"
        } else if now == step {
            "bg-indigo-500 animate-pulse"
        } else if failed && step.step() == 4 {
            "bg-red-500"
        } else {
            "bg-slate-200 dark:bg-slate-700"
        }
    };
    view! {
        <section class="space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900" data-ready=move || ready.get().to_string() data-testid="live-deployment">
            <div>
                <div class="flex items-center justify-between text-sm">
                    <span class="font-medium" data-testid="live-status" data-status=move || status.get().as_str()>{move || status.get().label()}</span>
                    <Show when=move || !status.get().is_finished()>
                        <span class="inline-flex items-center gap-2 text-xs text-slate-500">
                            <span aria-hidden="true" class="h-3 w-3 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600"></span>
                            "working"
                        </span>
                    </Show>
                </div>
                <ol class="mt-2 grid grid-cols-4 gap-2" aria-label="Progress">
                    {STEPS.into_iter().map(|step| view! {
                        <li>
                            <div class=move || format!("h-1.5 rounded-full {}", step_class(step))></div>
                            <p class="mt-1 text-xs text-slate-500">{match step { DeployStatus::Succeeded => "Live", other => other.label() }}</p>
                        </li>
                    }).collect_view()}
                </ol>
            </div>
            {move || error.get().map(|error| view! {
                <p role="alert" data-testid="deploy-error" class="whitespace-pre-wrap rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">{error}</p>
            })}
            <pre data-testid="deploy-log" class="max-h-[32rem] overflow-auto rounded-lg bg-slate-950 p-4 font-mono text-xs leading-relaxed text-slate-100">{move || log.get()}</pre>
        </section>
    }
}
