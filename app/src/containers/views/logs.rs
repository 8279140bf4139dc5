//! The log viewer island, for one container or a whole service: history filters, live follow
//! with pause, search (substring or regular expression) with highlights, level colours,
//! stderr marked, and a download of the history shown.

mod lines;
mod live;
mod viewer;

use leptos::either::Either;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use self::lines::{encode, Search};
use self::viewer::{Entry, Viewer};
use crate::containers::api::{container_logs, service_logs};
use crate::containers::types::{LogLine, LogQuery};
use crate::error::AppError;
use crate::ui::form::{field_message, form_message, hydrated};

const TAILS: [u32; 4] = [100, 200, 1000, 5000];

/// Whose logs the viewer shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogSource {
    Container {
        id: String,
    },
    /// Every container of the service, or of the environment picked.
    Service {
        slug: String,
        environments: Vec<String>,
    },
}

impl LogSource {
    async fn history(self, environment: String, query: LogQuery) -> Result<Vec<LogLine>, AppError> {
        match self {
            LogSource::Container { id } => container_logs(id, query).await,
            LogSource::Service { slug, .. } => {
                service_logs(slug, Some(environment).filter(|e| !e.is_empty()), query).await
            }
        }
    }

    fn path(&self) -> String {
        match self {
            LogSource::Container { id } => format!("/live/logs/{}", encode(id)),
            LogSource::Service { slug, .. } => format!("/live/service-logs/{}", encode(slug)),
        }
    }

    fn follow_url(&self, environment: &str, since: Option<i64>) -> String {
        let mut params = Vec::new();
        if !environment.is_empty() {
            params.push(format!("environment={}", encode(environment)));
        }
        params.extend(since.map(|since| format!("since={since}")));
        with_params(self.path(), &params)
    }

    fn download_url(&self, environment: &str, query: &LogQuery) -> String {
        let mut params: Vec<String> = query.tail.map(|tail| format!("tail={tail}")).into_iter().collect();
        for (name, value) in [
            ("since", &query.since),
            ("until", &query.until),
            ("stream", &query.stream),
        ] {
            params.extend(value.as_deref().map(|value| format!("{name}={}", encode(value))));
        }
        if !environment.is_empty() {
            params.push(format!("environment={}", encode(environment)));
        }
        with_params(format!("{}/download", self.path()), &params)
    }
}

fn with_params(path: String, params: &[String]) -> String {
    if params.is_empty() {
        path
    } else {
        format!("{path}?{}", params.join("&"))
    }
}

#[island]
pub fn LogViewer(source: LogSource) -> impl IntoView {
    let ready = hydrated();
    let environments = match &source {
        LogSource::Service { environments, .. } => Some(environments.clone()),
        LogSource::Container { .. } => None,
    };
    let viewer = Viewer::new(source);
    Effect::new(move |_| viewer.load());
    on_cleanup(move || viewer.close());
    let download = move || {
        let environment = viewer.environment.get();
        viewer.applied.with(|query| {
            viewer
                .source
                .with_value(|source| source.download_url(&environment, query))
        })
    };
    view! {
        <div class="space-y-3" data-testid="log-viewer" data-ready=move || ready.get().to_string()>
            <Filters viewer environments />
            <Toolbar viewer download=Signal::derive(download) />
            <p role="alert" class="text-sm text-red-700 dark:text-red-300">{move || viewer.outcome.with(form_message)}</p>
            <Lines viewer />
        </div>
    }
}

/// History filters; applying them reloads the lines.
#[component]
fn Filters(viewer: Viewer, environments: Option<Vec<String>>) -> impl IntoView {
    let input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-950";
    let error = move |field: &'static str| move || viewer.outcome.with(|o| field_message(o, field));
    view! {
        <form class="grid grid-cols-2 gap-3 sm:grid-cols-6 sm:items-start" aria-label="Log filters"
            on:submit=move |ev| { ev.prevent_default(); viewer.load(); }>
            {environments.map(|environments| view! {
                <div>
                    <label for="logs-environment" class="block text-xs font-medium">"Environment"</label>
                    <select id="logs-environment" class=input on:change=move |ev| { viewer.environment.set(event_target_value(&ev)); viewer.load(); }>
                        <option value="">"All"</option>
                        {environments.into_iter().map(|env| view! { <option value=env.clone()>{env.clone()}</option> }).collect_view()}
                    </select>
                </div>
            })}
            <div>
                <label for="logs-tail" class="block text-xs font-medium">"Lines"</label>
                <select id="logs-tail" class=input on:change=move |ev| viewer.tail.set(event_target_value(&ev).parse().unwrap_or(200))>
                    {TAILS.into_iter().map(|n| view! { <option value=n.to_string() selected=n == 200>{format!("Last {n}")}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="logs-since" class="block text-xs font-medium">"Since"</label>
                <input id="logs-since" type="text" class=input placeholder="15m, 2h, 1d or a time" aria-invalid=move || error("since")().is_some().to_string()
                    prop:value=move || viewer.since.get() on:input=move |ev| viewer.since.set(event_target_value(&ev)) />
                <p class="mt-1 text-xs text-red-600 dark:text-red-400">{error("since")}</p>
            </div>
            <div>
                <label for="logs-until" class="block text-xs font-medium">"Until"</label>
                <input id="logs-until" type="text" class=input placeholder="2025-06-01T09:00:00Z" aria-invalid=move || error("until")().is_some().to_string()
                    prop:value=move || viewer.until.get() on:input=move |ev| viewer.until.set(event_target_value(&ev)) />
                <p class="mt-1 text-xs text-red-600 dark:text-red-400">{error("until")}</p>
            </div>
            <div>
                <label for="logs-stream" class="block text-xs font-medium">"Stream"</label>
                <select id="logs-stream" class=input on:change=move |ev| viewer.stream.set(event_target_value(&ev))>
                    <option value="">"stdout and stderr"</option>
                    <option value="stdout">"stdout only"</option>
                    <option value="stderr">"stderr only"</option>
                </select>
            </div>
            <div class="sm:pt-5">
                <button type="submit" data-testid="logs-apply" disabled=move || viewer.loading.get()
                    class="w-full rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60">"Show"</button>
            </div>
        </form>
    }
}

/// Follow, pause, search and download.
#[component]
fn Toolbar(viewer: Viewer, download: Signal<String>) -> impl IntoView {
    let button = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800";
    let search_text = RwSignal::new(String::new());
    let regex = RwSignal::new(false);
    let apply_search = move || match Search::new(&search_text.get_untracked(), regex.get_untracked()) {
        Ok(search) => {
            viewer.search.set(search);
            viewer.search_error.set(None);
        }
        Err(message) => {
            viewer.search.set(Search::All);
            viewer.search_error.set(Some(message));
        }
    };
    view! {
        <div class="flex flex-wrap items-center gap-2">
            <button type="button" class=button data-testid="logs-follow" aria-pressed=move || viewer.following.get().to_string()
                on:click=move |_| viewer.toggle_follow()>
                {move || if viewer.following.get() { "Stop following" } else { "Follow" }}
            </button>
            <Show when=move || viewer.following.get()>
                <button type="button" class=button data-testid="logs-pause" on:click=move |_| viewer.toggle_pause()>
                    {move || if viewer.paused.get() { format!("Resume ({} new)", viewer.held.with(Vec::len)) } else { "Pause".to_owned() }}
                </button>
            </Show>
            <span class="text-xs text-slate-500" data-testid="logs-live">{move || viewer.live.get().map(|state| state.label())}</span>
            <div class="ml-auto flex flex-wrap items-center gap-2">
                <label for="logs-search" class="sr-only">"Search the lines"</label>
                <input id="logs-search" type="search" placeholder="Search (any case)" data-testid="logs-search"
                    class="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950"
                    on:input=move |ev| { search_text.set(event_target_value(&ev)); apply_search(); } />
                <label class="flex items-center gap-1 text-sm">
                    <input type="checkbox" data-testid="logs-regex" on:change=move |ev| { regex.set(event_target_checked(&ev)); apply_search(); } />
                    "regex"
                </label>
                <span role="status" class="text-xs text-red-600 dark:text-red-400">{move || viewer.search_error.get()}</span>
                <a href=move || download.get() download="" class=button data-testid="logs-download">"Download"</a>
            </div>
        </div>
    }
}

/// The lines (those the search keeps), newest at the bottom.
#[component]
fn Lines(viewer: Viewer) -> impl IntoView {
    let visible = Memo::new(move |_| {
        viewer.search.with(|search| {
            viewer.entries.with(|all| {
                all.iter()
                    .filter(|e| search.matches(&e.line.text))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let counts = move || {
        let (total, shown) = (viewer.entries.with(Vec::len), visible.with(Vec::len));
        if viewer.search.with(|s| *s == Search::All) {
            format!("{total} lines")
        } else {
            format!("{shown} of {total} lines match")
        }
    };
    view! {
        <div node_ref=viewer.pane on:scroll=move |_| viewer.on_scroll() role="log" aria-live="off" data-testid="log-lines"
            class="h-[28rem] overflow-auto rounded-lg bg-slate-950 py-2 font-mono text-xs leading-5 text-slate-100">
            {move || if viewer.loading.get() {
                Some(view! { <p class="flex items-center gap-2 px-3 text-slate-400"><span aria-hidden="true" class="h-3 w-3 animate-spin rounded-full border-2 border-slate-600 border-t-slate-200"></span>"Loading logs…"</p> })
            } else { None }}
            {move || (!viewer.loading.get() && viewer.entries.with(Vec::is_empty) && viewer.outcome.with(|o| matches!(o, Some(Ok(())))))
                .then(|| view! { <p class="px-3 text-slate-400" data-testid="logs-empty">"No output yet"</p> })}
            <For each=move || visible.get() key=|entry| entry.seq let:entry>
                <Row entry search=viewer.search />
            </For>
        </div>
        <p class="text-xs text-slate-500" data-testid="logs-count">{counts}</p>
    }
}

#[component]
fn Row(entry: Entry, search: RwSignal<Search>) -> impl IntoView {
    let line = entry.line.clone();
    let stderr = line.stream == "stderr";
    let tint = if stderr {
        "border-red-500/70 bg-red-500/10"
    } else {
        "border-transparent"
    };
    let time = line.ts.get(11..23).unwrap_or(&line.ts).to_owned();
    let text = entry.line.clone();
    view! {
        <div class=format!("flex gap-3 border-l-2 px-3 {tint} {}", entry.level.class())
            data-testid="log-line" data-stream=line.stream.clone() data-level=entry.level.as_str()>
            <time class="shrink-0 select-none text-slate-500" datetime=line.ts.clone() title=line.ts.clone()>{time}</time>
            {line.container.clone().map(|name| view! { <span class="shrink-0 text-sky-300">{name}</span> })}
            {stderr.then(|| view! { <span class="shrink-0 select-none text-red-300" title="standard error">"err"</span> })}
            <span class="min-w-0 whitespace-pre-wrap break-all">
                {move || search.with(|search| search.pieces(&text.text).into_iter().map(|(piece, hit)| if hit {
                    Either::Left(view! { <mark class="rounded-sm bg-yellow-300 text-slate-950">{piece.to_owned()}</mark> })
                } else {
                    Either::Right(piece.to_owned())
                }).collect_view())}
            </span>
        </div>
    }
}
