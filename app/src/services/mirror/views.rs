//! The "Remote mirror" card on a service's configuration tab: where to push, with which token
//! secret, and how the last push went.

use leptos::prelude::*;

use super::api::{push_mirror, RemoveMirror, SaveMirror};
use super::types::Mirror;
use crate::ui::form::{field_message, form_message, hydrated, Field, FormAlert, SubmitButton};
use crate::ui::time::Time;

#[island]
pub fn MirrorCard(slug: String, mirror: Option<Mirror>) -> impl IntoView {
    let ready = hydrated();
    let save = ServerAction::<SaveMirror>::new();
    let remove = ServerAction::<RemoveMirror>::new();
    let current = RwSignal::new(mirror.clone());
    let push_error = RwSignal::new(None::<String>);
    let pushing = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            current.set(Some(saved));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            current.set(None);
        }
    });
    let push_slug = slug.clone();
    let push_now = move |_| {
        let slug = push_slug.clone();
        pushing.set(true);
        push_error.set(None);
        leptos::task::spawn_local(async move {
            match push_mirror(slug).await {
                Ok(mirror) => current.set(Some(mirror)),
                Err(err) => push_error.set(Some(err.to_string())),
            }
            pushing.set(false);
        });
    };
    let error = move |field: &'static str| Signal::derive(move || save.value().with(|v| field_message(v, field)));
    let initial = mirror.unwrap_or(Mirror {
        url: String::new(),
        username: String::new(),
        token_secret: None,
        last_push_at: None,
        last_push_ok: None,
        last_error: None,
    });
    let remove_slug = slug.clone();
    view! {
        <div class="space-y-4" data-ready=move || ready.get().to_string() data-testid="mirror-card">
            <p class="text-sm text-slate-600 dark:text-slate-400">
                "Push this service's repository to GitHub, GitLab, Gitea or any git host after every commit Gantry makes (creation, template upgrades). The token stays in Secrets: name a global secret or one of this service's production secrets."
            </p>
            {move || current.get().filter(|m| m.last_push_at.is_some()).map(|m| view! { <PushStatus mirror=m /> })}
            <FormAlert message=Signal::derive(move || push_error.get().or_else(|| save.value().with(form_message))) />
            <ActionForm action=save attr:class="space-y-4">
                <input type="hidden" name="form[slug]" value=slug.clone() />
                <Field label="Repository URL" name="form[url]" value=initial.url help="https://github.com/acme/billing.git" error=error("url") />
                <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                    <Field label="User name" name="form[username]" value=initial.username help="For GitHub tokens any name works" error=error("username") />
                    <Field label="Token secret" name="form[token_secret]" value=initial.token_secret.unwrap_or_default() help="A secret's name, e.g. GIT_PUSH_TOKEN; empty for none" error=error("token_secret") />
                </div>
                <div class="flex flex-wrap items-center gap-3">
                    <div class="w-48"><SubmitButton label="Save and push" busy_label="Pushing…" pending=save.pending() /></div>
                    <Show when=move || current.get().is_some()>
                        <button type="button" data-testid="mirror-push" class="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium disabled:opacity-70 dark:border-slate-700"
                            disabled=move || pushing.get() on:click=push_now.clone()>
                            {move || if pushing.get() { "Pushing…" } else { "Push now" }}
                        </button>
                        <button type="button" class="rounded-md px-3 py-2 text-sm font-medium text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950"
                            on:click={
                                let slug = remove_slug.clone();
                                move |_| { remove.dispatch(RemoveMirror { slug: slug.clone() }); }
                            }>"Stop mirroring"</button>
                    </Show>
                </div>
            </ActionForm>
        </div>
    }
}

#[component]
fn PushStatus(mirror: Mirror) -> impl IntoView {
    let ok = mirror.last_push_ok == Some(true);
    let (tone, label) = if ok {
        ("border-emerald-200 bg-emerald-50 text-emerald-800 dark:border-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-300", "Last push succeeded")
    } else {
        (
            "border-red-200 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-300",
            "Last push failed",
        )
    };
    view! {
        <div role="status" data-testid="mirror-status" class=format!("rounded-md border p-3 text-sm {tone}")>
            <p class="font-medium">{label}{mirror.last_push_at.map(|at| view! { " · " <Time at=at.to_rfc3339() /> })}</p>
            {mirror.last_error.map(|error| view! { <p class="mt-1 break-words font-mono text-xs">{error}</p> })}
        </div>
    }
}
